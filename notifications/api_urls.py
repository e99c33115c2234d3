from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications import api

router = SimpleRouter()
router.register("notifications", api.NotificationViewSet, basename="notification")

urlpatterns = [
    path("notification-preferences/", api.PreferenceView.as_view(), name="notification-preferences"),
    *router.urls,
]
