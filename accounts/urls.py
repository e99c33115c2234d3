from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("team/", views.team, name="team"),
]
