from django.urls import path

from targets import views, views_today

app_name = "targets"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("today/", views_today.today_tiles, name="today"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/decompose/", views.decompose, name="decompose"),
    path("<int:pk>/decompose/preview/", views.decompose_preview, name="decompose_preview"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/rules/new/", views.create_rule, name="create_rule"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
