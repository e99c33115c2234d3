from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/<int:team_id>/dialer/", views.team_dialer, name="team_dialer"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
]
