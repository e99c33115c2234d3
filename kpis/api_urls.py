from django.urls import path

from kpis import api, api_live

urlpatterns = [
    path("kpis/", api.KpiListView.as_view(), name="kpi-list"),
    path("kpis/diagnosis/", api.DiagnosisView.as_view(), name="kpi-diagnosis"),
    path("kpis/what-if/", api.WhatIfView.as_view(), name="kpi-what-if"),
    path("kpis/live/", api_live.LiveView.as_view(), name="kpi-live"),
]
