from django.urls import path

from funnel import views

app_name = "funnel"
urlpatterns = [
    path("", views.index, name="index"),
    path("team/", views.team, name="team"),
    path("plan/", views.plan, name="plan"),
    path("leads/", views.leads, name="leads"),
    path("lead/<int:lead_id>/grade/", views.grade, name="grade"),
]
