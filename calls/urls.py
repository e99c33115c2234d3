from django.urls import path

from calls import views, views_queue

app_name = "calls"
urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
    path("queue/", views_queue.page, name="queue"),
    path("queue/next/", views_queue.take_next, name="queue_next"),
    path("queue/pause/", views_queue.pause, name="queue_pause"),
    path("queue/<int:lead_id>/log/", views_queue.log, name="queue_log"),
    path("queue/<int:lead_id>/skip/", views_queue.skip, name="queue_skip"),
    path("lead/<int:lead_id>/", views.lead_page, name="lead_page"),
    path("lead/<int:lead_id>/panel/", views.lead_panel, name="lead_panel"),
    path("lead/<int:lead_id>/log/", views.log, name="log"),
]
