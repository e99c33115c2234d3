from django.urls import path

from coaching import views

app_name = "coaching"
urlpatterns = [
    path("", views.index, name="index"),
]
