from django.urls import path

from kpis import views, views_drill, views_live, views_segments, views_what_if

app_name = "kpis"
urlpatterns = [
    path("", views.index, name="index"),
    path("team/<int:team_id>/", views.team_dashboard, name="team"),
    path("team/<int:team_id>/what-if/", views_what_if.team_what_if, name="team_what_if"),
    path("rep/<int:rep_id>/", views.rep_dashboard, name="rep"),
    path("team/<int:team_id>/live/", views_live.team_live, name="team_live"),
    path("team/<int:team_id>/live/board/", views_live.team_live_board, name="team_live_board"),
    path("live/", views_live.live_index, name="live"),
    path("company/", views.company_dashboard, name="company"),
    path("drill/", views_drill.drill_down, name="drill"),
    path("export/<str:kind>/<int:object_id>/", views.export, name="export"),
    path("segments/", views_segments.segments_page, name="segments"),
    path("runs/", views.runs, name="runs"),
    path("runs/run/", views.run_now, name="run_now"),
]
