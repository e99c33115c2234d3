from django.urls import path
from rest_framework.routers import SimpleRouter

from calls import api, api_dispositions

router = SimpleRouter()
router.register("calls", api.CallViewSet, basename="call")
router.register("dispositions", api_dispositions.DispositionViewSet, basename="disposition")

urlpatterns = [
    path("calls/sync", api.CallSyncView.as_view(), name="call-sync"),
    *router.urls,
]
