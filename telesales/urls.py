from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts import views as account_views
from telesales import health, pages
from telesales.schema_view import CachedSchemaView

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("leads.api_urls")),
    path("", include("calls.api_urls")),
    path("", include("kpis.api_urls")),
    path("", include("funnel.api_urls")),
    path("", include("targets.api_urls")),
    path("", include("coaching.api_urls")),
    path("", include("webhooks.api_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (JSON, the API docs).
    path("favicon.ico", pages.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("leads/", include("leads.urls")),
    path("calls/", include("calls.urls")),
    path("kpis/", include("kpis.urls")),
    path("funnel/", include("funnel.urls")),
    path("targets/", include("targets.urls")),
    path("coaching/", include("coaching.urls")),
    path("scoring/", include("scoring.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", CachedSchemaView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "telesales.error_pages.bad_request"
handler403 = "telesales.error_pages.permission_denied"
handler404 = "telesales.error_pages.page_not_found"
handler500 = "telesales.error_pages.server_error"
