from django.urls import path

from rugpad.web.practice import views

urlpatterns = [
    path("", views.api_tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
