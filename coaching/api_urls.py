from django.urls import path
from rest_framework.routers import SimpleRouter

from coaching import api_plans, api_qa

router = SimpleRouter()
router.register("coaching/scorecards", api_qa.ScorecardViewSet, basename="coaching-scorecard")
router.register("coaching/sampling-plans", api_qa.SamplingPlanViewSet, basename="coaching-sampling-plan")
router.register("coaching/samples", api_qa.SampleViewSet, basename="coaching-sample")
router.register("coaching/assignments", api_qa.AssignmentViewSet, basename="coaching-assignment")
router.register("coaching/reviews", api_qa.ReviewViewSet, basename="coaching-review")
router.register("coaching/plans", api_plans.PlanViewSet, basename="coaching-plan")
router.register("coaching/notes", api_plans.NoteViewSet, basename="coaching-note")
router.register("coaching/action-items", api_plans.ActionItemViewSet, basename="coaching-action-item")
router.register("coaching/team-stages", api_plans.TeamStageViewSet, basename="coaching-team-stage")

urlpatterns = [path("coaching/results/", api_qa.results, name="coaching-results"), *router.urls]
