from django.urls import path

from kpis import views, views_drill

app_name = "kpis"
urlpatterns = [
    path("", views.index, name="index"),
    path("team/<int:team_id>/", views.team_dashboard, name="team"),
    path("team/<int:team_id>/what-if/", views.team_what_if, name="team_what_if"),
    path("rep/<int:rep_id>/", views.rep_dashboard, name="rep"),
    path("company/", views.company_dashboard, name="company"),
    path("drill/", views_drill.drill_down, name="drill"),
    path("export/<str:kind>/<int:object_id>/", views.export, name="export"),
    path("runs/", views.runs, name="runs"),
    path("runs/run/", views.run_now, name="run_now"),
]
