from django.urls import path
from rest_framework.routers import SimpleRouter

from leads import api, api_attributes, api_pools

router = SimpleRouter()
router.register("leads", api.LeadViewSet, basename="lead")
router.register("pools", api_pools.PoolViewSet, basename="pool")
router.register("lead-appeals", api_pools.AppealViewSet, basename="lead-appeal")
router.register("lead-imports", api_pools.ImportJobViewSet, basename="lead-import")
router.register("lead-attributes", api_attributes.AttributeDefinitionViewSet, basename="lead-attribute")
router.register("lost-reasons", api_attributes.LostReasonViewSet, basename="lost-reason")

urlpatterns = [
    path("users/<str:pk>/deactivate/", api.deactivate_user, name="user-deactivate"),
    *router.urls,
]
