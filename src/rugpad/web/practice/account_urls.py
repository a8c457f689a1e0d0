"""The practice admin's account pages and the invitee's sign-up link (included at `accounts/`)."""

from django.urls import path

from rugpad.web.practice import account_views as views

urlpatterns = [
    path("", views.account_list, name="accounts"),
    path("invite/", views.account_invite, name="account_invite"),
    path("<int:user_id>/", views.account_detail, name="account_detail"),
    path("<int:user_id>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("<int:user_id>/reactivate/", views.account_reactivate, name="account_reactivate"),
    path("invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.join, name="staff_join"),
]
