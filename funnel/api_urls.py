from django.urls import path

from funnel import api

urlpatterns = [
    path("funnel/", api.FunnelCountsView.as_view(), name="funnel-counts"),
    path("funnel/conversion/", api.FunnelConversionView.as_view(), name="funnel-conversion"),
    path("funnel/diagnosis/", api.FunnelDiagnosisView.as_view(), name="funnel-diagnosis"),
    path("funnel/plan/", api.FunnelPlanView.as_view(), name="funnel-plan"),
    path("funnel/coverage/", api.CoverageView.as_view(), name="funnel-coverage"),
]
