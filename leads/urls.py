from django.urls import path

from leads import views, views_appeals, views_attributes

app_name = "leads"
urlpatterns = [
    path("", views.index, name="index"),
    path("pool/", views.pool, name="pool"),
    path("next/", views.claim_next, name="next"),
    path("new/", views.new, name="new"),
    path("export.csv", views.export, name="export"),
    path("<int:lead_id>/", views.detail, name="detail"),
    path("<int:lead_id>/claim/", views.claim, name="claim"),
    path("<int:lead_id>/release/", views.release, name="release"),
    path("<int:lead_id>/reassign/", views.reassign, name="reassign"),
    path("<int:lead_id>/lock/", views.lock, name="lock"),
    path("<int:lead_id>/reveal/", views.reveal, name="reveal"),
    path("<int:lead_id>/appeal/", views_appeals.appeal, name="appeal"),
    path("collision/<str:token>/", views_appeals.collision, name="collision"),
    path("appeals/", views_appeals.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/decide/", views_appeals.decide, name="decide_appeal"),
    path("pools/", views.pools, name="pools"),
    path("pools/<int:pool_id>/", views.pool_rules, name="pool_rules"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:user_id>/deactivate/", views.deactivate, name="deactivate"),
    path("attributes/", views_attributes.attributes, name="attributes"),
    path("attributes/<int:definition_id>/", views_attributes.attribute_edit, name="attribute_edit"),
    path("import/", views.import_start, name="import"),
    path("import/<int:job_id>/", views.import_detail, name="import_detail"),
    path("import/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:job_id>/report.csv", views.import_report, name="import_report"),
]
