from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import api

router = SimpleRouter()
router.register("users", api.UserViewSet, basename="user")
router.register("teams", api.TeamViewSet, basename="team")
router.register("api-tokens", api.ApiTokenViewSet, basename="api-token")

urlpatterns = [path("me/", api.me, name="me"), *router.urls]
