from django.urls import path

from coaching import views, views_plans

app_name = "coaching"
urlpatterns = [
    path("", views.index, name="index"),
    path("teams/<int:team_id>/stage/", views.team_stage, name="team_stage"),
    path("review/<int:assignment_id>/", views.review, name="review"),
    path("samples/", views.samples, name="samples"),
    path("samples/<int:sample_id>/", views.sample, name="sample"),
    path("results/", views.results, name="results"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/<int:scorecard_id>/", views.scorecard_edit, name="scorecard_edit"),
    path("sampling/", views.sampling, name="sampling"),
    path("sampling/<int:plan_id>/run/", views.sampling_run, name="sampling_run"),
    path("plans/", views_plans.plans, name="plans"),
    path("plans/new/", views_plans.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views_plans.plan, name="plan"),
    path("plans/<int:plan_id>/<slug:action>/", views_plans.plan_action, name="plan_action"),
    path("notes/", views_plans.notes, name="notes"),
    path("notes/<int:note_id>/", views_plans.note, name="note"),
    path("actions/<int:item_id>/done/", views_plans.action_done, name="action_done"),
]
