from django.urls import path
from rest_framework.routers import SimpleRouter

from coaching import api

router = SimpleRouter()
router.register("coaching/scorecards", api.ScorecardViewSet, basename="coaching-scorecard")
router.register("coaching/sampling-plans", api.SamplingPlanViewSet, basename="coaching-sampling-plan")
router.register("coaching/samples", api.SampleViewSet, basename="coaching-sample")
router.register("coaching/assignments", api.AssignmentViewSet, basename="coaching-assignment")
router.register("coaching/reviews", api.ReviewViewSet, basename="coaching-review")
router.register("coaching/plans", api.PlanViewSet, basename="coaching-plan")
router.register("coaching/notes", api.NoteViewSet, basename="coaching-note")
router.register("coaching/action-items", api.ActionItemViewSet, basename="coaching-action-item")
router.register("coaching/team-stages", api.TeamStageViewSet, basename="coaching-team-stage")

urlpatterns = [path("coaching/results/", api.results, name="coaching-results"), *router.urls]
