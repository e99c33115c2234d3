from rest_framework.routers import SimpleRouter

from targets import api

router = SimpleRouter()
router.register("targets", api.TargetViewSet, basename="target")
router.register("target-alerts", api.AlertViewSet, basename="target-alert")

urlpatterns = router.urls
