from django.urls import path
from rest_framework.routers import SimpleRouter

from webhooks import api

router = SimpleRouter()
router.register("webhooks/endpoints", api.EndpointViewSet, basename="webhook-endpoint")
router.register("webhooks/deliveries", api.DeliveryViewSet, basename="webhook-delivery")

urlpatterns = [path("webhooks/event-types/", api.event_types, name="webhook-event-types"), *router.urls]
