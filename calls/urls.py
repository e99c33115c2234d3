from django.urls import path

from calls import views

app_name = "calls"
urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
    path("lead/<int:lead_id>/", views.lead_page, name="lead_page"),
    path("lead/<int:lead_id>/panel/", views.lead_panel, name="lead_panel"),
    path("lead/<int:lead_id>/log/", views.log, name="log"),
]
