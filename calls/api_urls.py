from django.urls import path
from rest_framework.routers import SimpleRouter

from calls import api

router = SimpleRouter()
router.register("calls", api.CallViewSet, basename="call")

urlpatterns = [
    path("calls/sync", api.CallSyncView.as_view(), name="call-sync"),
    *router.urls,
]
