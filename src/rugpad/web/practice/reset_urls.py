"""Password reset by e-mail (included at `account/password/reset/`): Django's four pages, throttled and without
account enumeration (`password_reset.py`)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from rugpad.web.practice.password_reset import ActivePasswordResetConfirmView, ThrottledPasswordResetView

urlpatterns = [
    path("", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("<uidb64>/<token>/", ActivePasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
