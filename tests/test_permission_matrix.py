"""The permission matrix: every endpoint and page × every role, expected status from one table.

The world (built once for the module): team A (rep = the owner of the records, teammate,
manager) and team B (other_rep, other_manager); an admin; an integration that signs in with a
real API token. Pool A belongs to team A (browsing on), pool B to team B (browsing off). The
records in the URLs belong to the rep (or to team A) unless the placeholder says otherwise.

Each cell is one test, run in its own savepoint, so a write in one cell never leaks into the
next. A cell where today's code breaks the rule keeps the rule and is marked strict-xfail with
the issue item and the branch that fixes it (see KNOWN); once the fix merges, the xfail passes
unexpectedly and the marker must go.
"""

import base64
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from coaching import services as coaching
from leads.collisions import collision_pass
from leads.models import Appeal, AttributeDefinition, ImportJob, LostReason
from notifications.models import Kind, Notification
from notifications.services import notify
from targets import services as targets
from targets.models import Alert
from tests import factories as qa
from tests.factories import (
    AdminFactory,
    CallFactory,
    IntegrationFactory,
    LeadFactory,
    ManagerFactory,
    PoolFactory,
    TeamFactory,
    UserFactory,
    api_token_for,
)
from webhooks.models import Delivery, Endpoint, Event

# The world is built once per module (`world`): one xdist worker runs the whole module, or each
# worker builds it again for its share of the cells (and again after every other module).
pytestmark = pytest.mark.xdist_group("permission-matrix")

ROLES = ("anon", "rep", "teammate", "other_rep", "manager", "other_manager", "admin", "integration")

# Denied on a page that hides itself from the role (a 403 or a 404 both keep the page shut).
DENIED = "D"

# ---- the table ------------------------------------------------------------------------------
# /healthz is public and the same for everyone: 503 here, as the world has no worker heartbeat
# (what it checks and that it leaks nothing: tests/ops/test_health.py).
# method, path (placeholders are ids in the world), body, then one status per role in ROLES order:
#                                                           anon  rep  mate orep mgr  omgr adm  intg
MATRIX = """
GET    /                                                        302  302  302  302  302  302  302  302
GET    /login/                                                  200  302  302  302  302  302  302  200
GET    /healthz                                                 503  503  503  503  503  503  503  503
GET    /healthz/live                                            200  200  200  200  200  200  200  200
GET    /favicon.ico                                             301  301  301  301  301  301  301  301
POST   /logout/                                                 302  302  302  302  302  302  302  302
POST   /i18n/setlang/                                           302  302  302  302  302  302  302  302
GET    /password/                                               302  200  200  200  200  200  200  302
GET    /password/done/                                          302  200  200  200  200  200  200  302
GET    /accounts/team/                                          302  200  200  200  200  200  200  302
POST   /accounts/team/{team_a}/dialer/          dialer          302  403  403  404  302  404  302  302
GET    /accounts/tokens/                                        302  403  403  403  403  403  200  302
POST   /accounts/tokens/                        new_token       302  403  403  403  403  403  200  302
POST   /accounts/tokens/{token}/revoke/                         302  403  403  403  403  403  302  302
GET    /notifications/                                          302  200  200  200  200  200  200  302
GET    /notifications/bell/                                     302  200  200  200  200  200  200  302
GET    /notifications/preferences/                              302  200  200  200  200  200  200  302
POST   /notifications/preferences/              prefs_page      302  302  302  302  302  302  302  302
POST   /notifications/read-all/                                 302  302  302  302  302  302  302  302
GET    /notifications/{notification}/                           302  302  404  404  404  404  404  302
POST   /notifications/{notification}/read/                      302  302  404  404  404  404  404  302
GET    /webhooks/                                               302  403  403  403  403  403  200  302
POST   /webhooks/                               endpoint_form   302  403  403  403  403  403  200  302
GET    /webhooks/{hook}/                                        302  403  403  403  403  403  200  302
POST   /webhooks/{hook}/                        endpoint_form   302  403  403  403  403  403  302  302
POST   /webhooks/{hook}/delete/                                 302  403  403  403  403  403  302  302
POST   /webhooks/deliveries/{hook_delivery}/resend/             302  403  403  403  403  403  302  302
GET    /leads/                                                  302  200  200  200  200  200  200  302
GET    /leads/pool/                                             302  200  200  200  200  200  200  302
GET    /leads/pool/?pool={pool_b}                               302  200  200  200  200  200  200  302
POST   /leads/next/                             pool_a          302  302  302  302  302  302  302  302
GET    /leads/new/                                              302  200  200  200  200  200  200  302
POST   /leads/new/                              form_lead       302  200  200  200  200  200  200  302
GET    /leads/export.csv                                        302  200  200  200  200  200  200  302
GET    /leads/{lead}/                                           302  200  404  404  200  404  200  302
GET    /leads/{pool_a_lead}/                                    302  200  200  404  200  404  200  302
GET    /leads/{pool_b_lead}/                                    302  404  404  404  404  200  200  302
POST   /leads/{pool_a_lead}/claim/                              302  302  302  302  302  302  302  302
POST   /leads/{pool_b_lead}/claim/                              302  302  302  302  302  302  302  302
POST   /leads/{lead}/release/                   reason          302  302  302  302  302  302  302  302
POST   /leads/{lead}/reassign/                  to_teammate     302  302  302  302  302  302  302  302
POST   /leads/{pool_b_lead}/reassign/           to_rep          302  302  302  302  302  302  302  302
POST   /leads/{lead}/lock/                      locked          302  302  302  302  302  302  302  302
POST   /leads/{lead}/reveal/                    reason          302  200  200  200  200  200  200  302
POST   /leads/{pool_b_lead}/reveal/             reason          302  200  200  200  200  200  200  302
POST   /leads/{mate_lead}/appeal/               reason          302  302  302  302  302  302  302  302
GET    /leads/collision/{collision}/                            302  200  404  404  404  404  404  302
GET    /leads/appeals/                                          302  200  200  200  200  200  200  302
POST   /leads/appeals/{appeal}/decide/          decide_page     302  302  302  302  302  302  302  302
GET    /leads/pools/                                            302  D    D    D    D    D    200  302
GET    /leads/pools/{pool_a}/                                   302  D    D    D    D    D    200  302
POST   /leads/pools/{pool_a}/                   pool_rules      302  D    D    D    D    D    200  302
GET    /leads/staff/                                            302  D    D    D    D    D    200  302
GET    /leads/staff/{rep}/deactivate/                           302  D    D    D    D    D    200  302
POST   /leads/staff/{rep}/deactivate/           handover        302  D    D    D    D    D    302  302
GET    /leads/attributes/                                       302  D    D    D    D    D    200  302
POST   /leads/attributes/                       attribute_form  302  D    D    D    D    D    302  302
GET    /leads/attributes/{attribute}/                           302  D    D    D    D    D    200  302
POST   /leads/attributes/{attribute}/           attribute_page  302  D    D    D    D    D    302  302
GET    /leads/import/                                           302  D    D    D    200  200  200  302
GET    /leads/import/{job}/                                     302  404  404  404  200  404  200  302
GET    /leads/import/{job}/progress/                            302  404  404  404  200  404  200  302
GET    /leads/import/{job}/report.csv                           302  404  404  404  200  404  200  302
GET    /calls/                                                  302  200  200  200  200  200  200  302
GET    /calls/report/                                           302  200  200  200  200  200  200  302
GET    /calls/lead/{lead}/                                      302  200  404  404  200  404  200  302
GET    /calls/lead/{pool_b_lead}/                               302  404  404  404  404  200  200  302
GET    /calls/lead/{lead}/panel/                                302  200  404  404  200  404  200  302
POST   /calls/lead/{lead}/log/                  call            302  200  404  404  200  404  200  302
GET    /calls/queue/                                            302  200  200  200  200  200  200  302
POST   /calls/queue/next/                                       302  200  200  200  200  200  200  302
POST   /calls/queue/pause/                      paused          302  200  200  200  200  200  200  302
POST   /calls/queue/{lead}/log/                 call            302  200  404  404  200  404  200  302
POST   /calls/queue/{lead}/skip/                skip            302  200  404  404  200  404  200  302
POST   /calls/queue/{pool_b_lead}/skip/         skip            302  404  404  404  404  200  200  302
GET    /kpis/                                                   302  200  200  200  200  200  200  302
GET    /kpis/team/{team_a}/                                     302  302  302  302  200  404  200  302
GET    /kpis/rep/{rep}/                                         302  200  404  404  200  404  200  302
GET    /kpis/team/{team_a}/live/                                302  200  200  404  200  404  200  302
GET    /kpis/team/{team_a}/live/board/                          302  200  200  404  200  404  200  302
GET    /kpis/live/                                              302  302  302  302  302  302  302  302
GET    /kpis/company/                                           302  302  302  302  302  302  200  302
GET    /kpis/export/team/{team_a}/?table=leaderboard            302  404  404  404  200  404  200  302
GET    /kpis/segments/                                          302  200  200  200  200  200  200  302
GET    /kpis/segments/?team={team_a}&segment=region             302  200  200  404  200  404  200  302
GET    /kpis/team/{team_a}/what-if/                             302  404  404  404  200  404  200  302
POST   /kpis/team/{team_a}/what-if/             team_what_if    302  404  404  404  200  404  200  302
GET    /kpis/drill/?what=customers&stage=reached&rep={rep}&from=2025-01-01&to=2025-01-31  302  200  404  404  200  404  200  302
GET    /kpis/drill/?what=calls&rep={rep}&team={team_a}&from=2025-01-01&to=2025-01-31      302  200  404  404  200  404  200  302
GET    /kpis/drill/?what=calls&team={team_a}&from=2025-01-01&to=2025-01-31               302  404  404  404  200  404  200  302
GET    /kpis/drill/?what=customers&stage=sold&from=2025-01-01&to=2025-01-31              302  404  404  404  404  404  200  302
GET    /kpis/runs/                                              302  403  403  403  403  403  200  302
POST   /kpis/runs/run/                                          302  403  403  403  403  403  302  302
GET    /funnel/                                                 302  200  200  200  200  200  200  302
GET    /funnel/team/                                            302  D    D    D    200  200  200  302
GET    /funnel/team/?team={team_a}                              302  D    D    D    200  404  200  302
GET    /funnel/team/?team={team_a}&segment=region               302  D    D    D    200  404  200  302
GET    /funnel/plan/                                            302  200  200  200  200  200  200  302
GET    /funnel/leads/?grade=E                                   302  200  200  200  200  200  200  302
GET    /funnel/leads/?grade=E&rep={rep}                         302  200  404  404  200  404  200  302
GET    /funnel/leads/?grade=won&team={team_a}&reps_only=true    302  404  404  404  200  404  200  302
GET    /funnel/lead/{lead}/grade/                               302  200  404  404  200  404  200  302
GET    /funnel/lead/{pool_b_lead}/grade/                        302  404  404  404  404  200  200  302
GET    /targets/                                                302  200  200  200  200  200  200  302
POST   /targets/new/                            target          302  302  302  302  302  302  302  302
GET    /targets/today/                                          302  200  200  200  200  200  200  302
GET    /targets/today/?rep={rep}                                302  200  404  404  200  404  200  302
GET    /targets/{target}/                                       302  200  404  404  200  404  200  302
GET    /targets/{team_target}/                                  302  404  404  404  200  404  200  302
POST   /targets/{team_target}/revise/           revise          302  302  302  302  302  302  302  302
POST   /targets/{team_target}/decompose/        decompose       302  302  302  302  302  302  302  302
POST   /targets/{team_target}/decompose/preview/  decompose     302  200  200  200  200  200  200  302
GET    /targets/alerts/                                         302  200  200  200  200  200  200  302
POST   /targets/alerts/rules/new/                               302  302  302  302  302  302  302  302
GET    /targets/alerts/{alert}/                                 302  404  404  404  200  404  200  302
POST   /targets/alerts/{alert}/acknowledge/                     302  302  302  302  302  302  302  302
GET    /coaching/                                               302  200  200  200  200  200  200  302
POST   /coaching/teams/{team_a}/stage/          stage           302  302  302  302  302  302  302  302
GET    /coaching/review/{assignment}/                           302  404  404  404  200  404  404  302
GET    /coaching/samples/                                       302  D    D    D    200  200  200  302
GET    /coaching/samples/{sample}/                              302  200  404  404  200  404  200  302
GET    /coaching/results/                                       302  200  200  200  200  200  200  302
GET    /coaching/scorecards/                                    302  D    D    D    200  200  200  302
GET    /coaching/scorecards/{card}/                             302  D    D    404  200  404  200  302
GET    /coaching/sampling/                                      302  D    D    D    200  200  200  302
POST   /coaching/sampling/{sampling_plan}/run/  week            302  302  302  302  302  302  302  302
GET    /coaching/plans/                                         302  200  200  200  200  200  200  302
GET    /coaching/plans/new/                                     302  D    D    D    200  200  200  302
GET    /coaching/plans/{plan}/                                  302  200  404  404  200  404  200  302
POST   /coaching/plans/{plan}/acknowledge/                      302  302  404  404  302  404  302  302
POST   /coaching/plans/{plan}/check-in/         check_in        302  302  404  404  302  404  302  302
GET    /coaching/notes/                                         302  200  200  200  200  200  200  302
GET    /coaching/notes/{note}/                                  302  200  404  404  200  404  200  302
POST   /coaching/actions/{item}/done/                           302  302  404  404  302  404  302  302
GET    /scoring/                                                302  403  403  403  200  200  200  302
GET    /api/v1/me/                                              401  200  200  200  200  200  200  200
GET    /api/v1/users/                                           401  200  200  200  200  200  200  200
GET    /api/v1/notifications/                                   401  200  200  200  200  200  200  200
GET    /api/v1/notifications/unread-count/                      401  200  200  200  200  200  200  200
GET    /api/v1/notifications/{notification}/                    401  200  404  404  404  404  404  404
POST   /api/v1/notifications/{notification}/read/               401  200  404  404  404  404  404  404
POST   /api/v1/notifications/read-all/          read_all        401  200  200  200  200  200  200  200
GET    /api/v1/notification-preferences/                        401  200  200  200  200  200  200  200
PUT    /api/v1/notification-preferences/        prefs           401  200  200  200  200  200  200  200
GET    /api/v1/users/{rep}/                                     401  200  404  404  200  404  200  200
GET    /api/v1/teams/                                           401  200  200  200  200  200  200  200
GET    /api/v1/teams/{team_a}/                                  401  200  200  404  200  404  200  200
PATCH  /api/v1/teams/{team_a}/                  dialer          401  403  403  404  200  404  200  403
PUT    /api/v1/teams/{team_a}/                  dialer          401  405  405  405  405  405  405  405
GET    /api/v1/api-tokens/                                      401  403  403  403  403  403  200  403
POST   /api/v1/api-tokens/                      new_token       401  403  403  403  403  403  201  403
POST   /api/v1/api-tokens/{token}/revoke/                       401  403  403  403  403  403  200  403
POST   /api/v1/users/                           new_user        401  403  403  403  403  403  201  403
PATCH  /api/v1/users/{rep}/                     user_edit       401  403  404  404  403  404  200  403
POST   /api/v1/teams/                           new_team        401  403  403  403  403  403  201  403
PATCH  /api/v1/teams/{team_a}/                  team_settings   401  403  403  404  403  404  200  403
POST   /api/v1/pools/                           new_pool        401  403  403  403  403  403  201  403
PATCH  /api/v1/pools/{pool_a}/                  pool_setup      401  403  403  404  403  404  200  403
GET    /api/v1/dispositions/                                    401  200  200  200  200  200  200  200
GET    /api/v1/dispositions/{disposition}/                      401  200  200  200  200  200  200  200
POST   /api/v1/dispositions/                    new_disposition 401  403  403  403  403  403  201  403
PATCH  /api/v1/dispositions/{disposition}/      disposition_edit 401 403  403  403  403  403  200  403
GET    /api/v1/lost-reasons/                                    401  200  200  200  200  200  200  200
GET    /api/v1/lost-reasons/{lost_reason}/                      401  200  200  200  200  200  200  200
POST   /api/v1/lost-reasons/                    new_lost_reason 401  403  403  403  403  403  201  403
PATCH  /api/v1/lost-reasons/{lost_reason}/      lost_reason_edit 401 403  403  403  403  403  200  403
GET    /api/v1/webhooks/endpoints/                              401  403  403  403  403  403  200  403
POST   /api/v1/webhooks/endpoints/              new_endpoint    401  403  403  403  403  403  201  403
GET    /api/v1/webhooks/endpoints/{hook}/                       401  403  403  403  403  403  200  403
PATCH  /api/v1/webhooks/endpoints/{hook}/       endpoint_edit   401  403  403  403  403  403  200  403
PUT    /api/v1/webhooks/endpoints/{hook}/       endpoint_edit   401  403  403  403  403  403  405  403
DELETE /api/v1/webhooks/endpoints/{hook}/                       401  403  403  403  403  403  204  403
GET    /api/v1/webhooks/endpoints/{hook}/deliveries/            401  403  403  403  403  403  200  403
GET    /api/v1/webhooks/deliveries/{hook_delivery}/             401  403  403  403  403  403  200  403
POST   /api/v1/webhooks/deliveries/{hook_delivery}/resend/      401  403  403  403  403  403  202  403
GET    /api/v1/webhooks/event-types/                            401  403  403  403  403  403  200  403
GET    /api/v1/users/{rep}/deactivate/                          401  403  404  404  403  404  200  403
POST   /api/v1/users/{rep}/deactivate/          handover        401  403  404  404  403  404  200  403
GET    /api/v1/leads/                                           401  200  200  200  200  200  200  200
POST   /api/v1/leads/                           lead            401  201  201  404  201  404  201  201
POST   /api/v1/leads/claim/                     lead_ids_a      401  200  200  404  200  404  200  403
POST   /api/v1/leads/claim/                     lead_ids_b      401  404  404  403  404  200  200  403
POST   /api/v1/leads/distribute/                distribute_a    401  403  403  404  200  404  200  403
POST   /api/v1/leads/next/                      pool_a          401  200  200  404  200  404  200  403
GET    /api/v1/leads/public/                                    401  200  200  200  200  200  200  200
GET    /api/v1/leads/public/?pool={pool_b}                      401  200  200  200  200  200  200  200
GET    /api/v1/leads/{lead}/                                    401  200  404  404  200  404  200  200
GET    /api/v1/leads/{pool_a_lead}/                             401  200  200  404  200  404  200  200
GET    /api/v1/leads/{pool_b_lead}/                             401  404  404  404  404  200  200  200
PATCH  /api/v1/leads/{lead}/                    lead_edit       401  200  404  404  200  404  200  200
POST   /api/v1/leads/{pool_a_lead}/claim/                       401  200  200  404  200  404  200  403
POST   /api/v1/leads/{pool_b_lead}/claim/                       401  404  404  403  404  200  200  403
GET    /api/v1/leads/{lead}/history/                            401  200  404  404  200  404  200  200
GET    /api/v1/leads/{pool_b_lead}/history/                     401  404  404  404  404  200  200  200
POST   /api/v1/leads/{lead}/lock/               locked          401  200  404  404  200  404  200  403
POST   /api/v1/leads/{lead}/reassign/           to_teammate     401  403  404  404  200  404  200  403
POST   /api/v1/leads/{pool_b_lead}/reassign/    to_rep          401  404  404  404  404  403  200  403
POST   /api/v1/leads/{lead}/release/            reason          401  200  404  404  200  404  200  403
POST   /api/v1/leads/{lead}/reveal/             reason          401  403  404  404  200  404  200  200
POST   /api/v1/leads/{pool_b_lead}/reveal/      reason          401  404  404  404  404  200  200  200
GET    /api/v1/pools/                                           401  200  200  200  200  200  200  200
GET    /api/v1/pools/{pool_a}/                                  401  200  200  404  200  404  200  200
GET    /api/v1/pools/{pool_b}/                                  401  404  404  200  404  200  200  200
PATCH  /api/v1/pools/{pool_a}/                  pool_rules      401  403  403  404  403  404  200  403
PUT    /api/v1/pools/{pool_a}/                  pool_rules      401  405  405  405  405  405  405  405
GET    /api/v1/lead-attributes/                                 401  200  200  200  200  200  200  200
POST   /api/v1/lead-attributes/                 new_attribute   401  403  403  403  403  403  201  403
PATCH  /api/v1/lead-attributes/{attribute}/     attribute_edit  401  403  403  403  403  403  200  403
GET    /api/v1/lead-appeals/                                    401  200  200  200  200  200  200  200
POST   /api/v1/lead-appeals/                    appeal          401  201  400  201  201  201  201  403
GET    /api/v1/lead-appeals/{appeal}/                           401  200  404  404  200  404  200  200
POST   /api/v1/lead-appeals/{appeal}/decide/    decide          401  403  404  404  200  404  200  403
GET    /api/v1/lead-imports/                                    401  200  200  200  200  200  200  200
POST   /api/v1/lead-imports/                    import          401  403  403  403  202  404  202  202
GET    /api/v1/lead-imports/{job}/                              401  404  404  404  200  404  200  200
GET    /api/v1/lead-imports/{job}/report/                       401  404  404  404  200  404  200  200
GET    /api/v1/lead-imports/{job}/rows/                         401  404  404  404  200  404  200  200
POST   /api/v1/calls/sync                       sync            401  200  200  200  200  200  200  200
GET    /api/v1/calls/                                           401  200  200  200  200  200  200  200
POST   /api/v1/calls/                           call            401  201  403  403  201  403  201  201
GET    /api/v1/calls/{call}/                                    401  200  404  404  200  404  200  200
GET    /api/v1/kpis/                                            401  200  200  200  200  200  200  200
GET    /api/v1/kpis/?scope=team&team={team_a}                   401  200  200  200  200  200  200  200
GET    /api/v1/kpis/?segment=source&team={team_a}               401  200  200  404  200  404  200  200
GET    /api/v1/kpis/diagnosis/?team={team_a}                    401  200  200  404  200  404  200  200
POST   /api/v1/kpis/what-if/                    what_if         401  200  200  404  200  404  200  200
GET    /api/v1/kpis/live/?team={team_a}                         401  200  200  404  200  404  200  200
GET    /api/v1/kpis/live/?rep={rep}                             401  200  404  404  200  404  200  200
GET    /api/v1/funnel/                                          401  200  200  200  200  200  200  200
GET    /api/v1/funnel/?team={team_a}                            401  403  403  403  200  403  200  200
GET    /api/v1/funnel/?team={team_a}&segment=source             401  403  403  403  200  403  200  200
GET    /api/v1/funnel/conversion/?team={team_a}                 401  403  403  403  200  403  200  200
GET    /api/v1/funnel/diagnosis/?team={team_a}                  401  403  403  403  200  403  200  200
POST   /api/v1/funnel/plan/                     funnel_plan     401  403  403  403  200  403  200  200
POST   /api/v1/funnel/coverage/                 coverage        401  200  200  200  200  200  200  200
GET    /api/v1/targets/                                         401  200  200  200  200  200  200  200
POST   /api/v1/targets/                         target          401  403  403  403  201  403  201  403
POST   /api/v1/targets/                         company_target  401  403  403  403  403  403  201  403
GET    /api/v1/targets/{target}/                                401  200  404  404  200  404  200  200
GET    /api/v1/targets/{team_target}/                           401  404  404  404  200  404  200  200
PATCH  /api/v1/targets/{team_target}/           target_edit     401  404  404  404  200  404  200  403
DELETE /api/v1/targets/{target}/                                401  403  404  404  204  404  204  403
POST   /api/v1/targets/{team_target}/decompose/ decompose       401  404  404  404  200  404  200  200
GET    /api/v1/targets/{target}/progress/                       401  200  404  404  200  404  200  200
GET    /api/v1/targets/{team_target}/revisions/                 401  404  404  404  200  404  200  200
POST   /api/v1/targets/{team_target}/revisions/ revise          401  404  404  404  201  404  201  403
GET    /api/v1/target-alerts/                                   401  200  200  200  200  200  200  200
GET    /api/v1/target-alerts/{alert}/                           401  404  404  404  200  404  200  200
POST   /api/v1/target-alerts/{alert}/acknowledge/               401  404  404  404  200  404  200  403
POST   /api/v1/target-alerts/{alert}/root-cause/  root_cause    401  404  404  404  200  404  200  403
GET    /api/v1/coaching/results/                                401  200  200  200  200  200  200  200
GET    /api/v1/coaching/scorecards/                             401  200  200  200  200  200  200  200
POST   /api/v1/coaching/scorecards/             scorecard       401  403  403  404  201  404  201  403
GET    /api/v1/coaching/scorecards/{card}/                      401  200  200  404  200  404  200  200
PUT    /api/v1/coaching/scorecards/{card}/      scorecard       401  403  403  404  200  404  200  403
PATCH  /api/v1/coaching/scorecards/{card}/      scorecard       401  405  405  405  405  405  405  405
GET    /api/v1/coaching/sampling-plans/                         401  200  200  200  200  200  200  200
POST   /api/v1/coaching/sampling-plans/         sampling_plan   401  403  403  404  201  404  201  403
GET    /api/v1/coaching/sampling-plans/{sampling_plan}/         401  404  404  404  200  404  200  200
POST   /api/v1/coaching/sampling-plans/{sampling_plan}/run/  week  401  404  404  404  201  404  201  403
GET    /api/v1/coaching/samples/                                401  200  200  200  200  200  200  200
POST   /api/v1/coaching/samples/                sample          401  403  403  404  201  404  201  403
GET    /api/v1/coaching/samples/{sample}/                       401  200  404  404  200  404  200  200
POST   /api/v1/coaching/samples/{sample}/assign/  assign        401  404  404  404  201  404  201  403
GET    /api/v1/coaching/assignments/                            401  200  200  200  200  200  200  200
GET    /api/v1/coaching/assignments/{assignment}/               401  404  404  404  200  404  404  404
GET    /api/v1/coaching/reviews/                                401  200  200  200  200  200  200  200
POST   /api/v1/coaching/reviews/                review          401  404  404  404  201  404  404  403
GET    /api/v1/coaching/reviews/{review}/                       401  404  404  404  404  404  200  404
GET    /api/v1/coaching/plans/                                  401  200  200  200  200  200  200  200
POST   /api/v1/coaching/plans/                  plan            401  404  403  404  201  404  201  403
GET    /api/v1/coaching/plans/{plan}/                           401  200  404  404  200  404  200  200
POST   /api/v1/coaching/plans/{plan}/acknowledge/               401  200  404  404  403  404  403  403
POST   /api/v1/coaching/plans/{plan}/check-ins/   check_in      401  403  404  404  201  404  201  403
POST   /api/v1/coaching/plans/{plan}/outcome/   outcome         401  403  404  404  200  404  200  403
GET    /api/v1/coaching/notes/                                  401  200  200  200  200  200  200  200
POST   /api/v1/coaching/notes/                  note            401  403  404  404  201  404  201  403
GET    /api/v1/coaching/notes/{note}/                           401  200  404  404  200  404  200  404
POST   /api/v1/coaching/notes/{note}/action-items/  action_item 401  403  404  404  201  404  201  403
GET    /api/v1/coaching/action-items/                           401  200  200  200  200  200  200  200
GET    /api/v1/coaching/action-items/{item}/                    401  200  404  404  200  404  200  404
POST   /api/v1/coaching/action-items/{item}/done/               401  200  404  404  200  404  200  403
GET    /api/v1/coaching/team-stages/                            401  200  200  200  200  200  200  200
PATCH  /api/v1/coaching/team-stages/{team_a}/   stage           401  403  403  404  200  404  200  403
"""

# ---- request bodies (JSON for the API, form data for pages) --------------------------------
TODAY = timezone.localdate()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


CSV = base64.b64encode("name,phone\n矩阵客户,13912345678\n".encode()).decode()
ITEMS = [{"what": f"Goal {i}", "measure": "connect rate", "target": ">= 35%", "due": day(14)} for i in range(3)]
CRITERIA = [{"key": c["key"], "name": c["name"], "weight": str(c["weight"]), "scale_max": c.get("scale_max", 5),
             "critical": c.get("critical", False)} for c in qa.STANDARD_CRITERIA]
BODIES = {
    "new_token": lambda w: {"name": "new integration", "user": w["integration"]},
    "lead": lambda w: {"name": "矩阵客户", "phone": "13912345678", "pool": w["pool_a"]},
    "lead_edit": lambda w: {"company": "改名公司"},
    "dialer": lambda w: {"dialer_url_template": "sip:{e164}"},
    "paused": lambda w: {"paused": "1"},
    "skip": lambda w: {"reason": "later"},
    "lead_ids_a": lambda w: {"lead_ids": [w["pool_a_lead"]]},
    "lead_ids_b": lambda w: {"lead_ids": [w["pool_b_lead"]]},
    "pool_a": lambda w: {"pool": w["pool_a"]},
    "distribute_a": lambda w: {"pool": w["pool_a"], "reps": [w["teammate"]]},
    "reason": lambda w: {"reason": "customer asked for another rep"},
    "to_teammate": lambda w: {"to_user": w["teammate"]},
    "to_rep": lambda w: {"to_user": w["rep"]},
    "locked": lambda w: {"locked": True},
    "pool_rules": lambda w: {"max_held": 150},
    "handover": lambda w: {"mode": "user", "to_user": w["teammate"]},
    "appeal": lambda w: {"lead": w["held_lead"], "reason": "I found this customer first"},
    "decide": lambda w: {"approve": False, "note": "holder keeps it"},
    "import": lambda w: {"file_name": "leads.csv", "content_base64": CSV, "pool": w["pool_a"]},
    "sync": lambda w: {"calls": [{"source": "matrix", "external_id": "m-1", "lead_id": w["lead"], "rep_id": w["rep"],
                                  "started_at": f"{day(-1)}T03:00:00Z", "disposition": "reached"}]},
    "call": lambda w: {"lead": w["lead"], "disposition": "reached", "duration_seconds": 30,
                        "started_at": f"{day(-1)}T03:00:00Z"},
    "kpi_team": lambda w: {"team": w["team_a"]},
    "funnel_plan": lambda w: {"team": w["team_a"], "target": 10, "start": day(0), "weeks": 4},
    "coverage": lambda w: {"cycle_months": "1", "win_rate": "1/3", "new_customers_per_month": "10"},
    "target": lambda w: {"metric": "premium", "value": "50000", "owner_kind": "team", "team": w["team_a"],
                         "period_kind": "month", "start": day(40)},
    "company_target": lambda w: {"metric": "premium", "value": "900000", "owner_kind": "company",
                                 "period_kind": "month", "start": day(40)},
    "target_edit": lambda w: {"note": "stretch"},
    "decompose": lambda w: {"dimension": "time", "method": "even", "preview": True},
    "revise": lambda w: {"new_value": "320000", "reason": "forecast_wrong"},
    "root_cause": lambda w: {"people": "two new hires"},
    "scorecard": lambda w: {"name": "Matrix QA", "team": w["team_a"], "criteria": CRITERIA},
    "sampling_plan": lambda w: {"team": w["team_a"], "scorecard": w["card"]},
    "week": lambda w: {"week": day(-7)},
    "sample": lambda w: {"call": w["call2"], "scorecard": w["card"]},
    "assign": lambda w: {"reviewer": w["teammate"]},
    "review": lambda w: {"assignment": w["assignment"], "scores": dict(qa.ALL_FIVES)},
    "plan": lambda w: {"rep": w["teammate"], "title": "Lift connect rate", "items": ITEMS, "start_date": day(0)},
    "check_in": lambda w: {"progress_note": "on track"},
    "outcome": lambda w: {"outcome": "met"},
    "note": lambda w: {"rep": w["rep"], "situation": "s", "behaviour": "b", "impact": "i"},
    "action_item": lambda w: {"description": "Listen to two top calls", "due_on": day(7)},
    "stage": lambda w: {"stage": "norming"},
    "what_if": lambda w: {"team": w["team_a"], "uplifts": {"quote_success_rate": "10"}},
    "new_user": lambda w: {"username": "matrix-new", "role": "rep", "team": w["team_a"]},
    "user_edit": lambda w: {"full_name": "改名"},
    "new_team": lambda w: {"name": "矩阵C组", "managers": [w["manager"]]},
    "team_settings": lambda w: {"daily_calling_hours": "7"},
    "new_pool": lambda w: {"name": "矩阵新公海", "team": w["team_a"], "max_held": 10},
    "pool_setup": lambda w: {"region": "华东"},
    "new_disposition": lambda w: {"code": "voicemail", "name": "Voicemail"},
    "disposition_edit": lambda w: {"name_i18n": {"zh-hans": "接通"}},
    "new_lost_reason": lambda w: {"name": "Matrix reason"},
    "lost_reason_edit": lambda w: {"active": False},
    "new_attribute": lambda w: {"key": "matrix_key", "label": "Matrix attribute"},
    "attribute_edit": lambda w: {"label": "年龄段"},
    "attribute_form": lambda w: {"key": "page_key", "label": "Page attribute", "kind": "text", "active": "on"},
    "attribute_page": lambda w: {"label": "Age", "kind": "choice", "choices": "18-29\n30+", "active": "on"},
    "team_what_if": lambda w: {"from": day(-7), "to": day(0), "up_avg_premium": "10"},
    "decide_page": lambda w: {"decision": "reject", "note": "holder keeps it"},
    "form_lead": lambda w: {"name": "页面客户", "phone": "13912345679", "pool": w["pool_a"]},
    "read_all": lambda w: {"kind": "lead_reassigned"},
    "prefs": lambda w: {"muted": [], "email": ["follow_up_due"], "daily_digest": True, "quiet_start": "22:00",
                        "quiet_end": "07:00"},
    "prefs_page": lambda w: {"shown": ["follow_up_due"], "email": ["follow_up_due"]},
    # A public address literal: the URL check resolves names, and the test machine may have no DNS.
    "new_endpoint": lambda w: {"name": "Matrix hook", "url": "https://93.184.215.14/hook", "event_types": ["sale.won"]},
    "endpoint_edit": lambda w: {"active": False},
    "endpoint_form": lambda w: {"name": "Page hook", "url": "https://93.184.215.14/hook",
                                "event_types": ["lead.claimed"], "active": "on"},
}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    body: str
    expected: dict

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}" + (f" ({self.body})" if self.body else "")


def parse_matrix(text: str) -> list[Row]:
    rows = []
    for line in text.strip().splitlines():
        parts = line.split()
        method, path, rest = parts[0], parts[1], parts[2:]
        body = rest.pop(0) if len(rest) == len(ROLES) + 1 else ""
        assert len(rest) == len(ROLES), f"{line!r}: one status per role ({', '.join(ROLES)})"
        rows.append(Row(method, path, body, dict(zip(ROLES, rest, strict=True))))
    return rows


ROWS = parse_matrix(MATRIX)


# ---- the world ------------------------------------------------------------------------------
def build_world() -> dict:
    """Every record the table's URLs point at; returns name -> id (users too)."""
    team_a, team_b = TeamFactory(name="矩阵A组"), TeamFactory(name="矩阵B组")
    rep, teammate = UserFactory(team=team_a), UserFactory(team=team_a)
    other_rep = UserFactory(team=team_b)
    manager, other_manager = ManagerFactory(team=team_a), ManagerFactory(team=team_b)
    admin, integration = AdminFactory(), IntegrationFactory()
    pool_a = PoolFactory(team=team_a, browsing_enabled=True)
    pool_b = PoolFactory(team=team_b, browsing_enabled=False)
    lead = LeadFactory(owner=rep, pool=pool_a)
    mate_lead = LeadFactory(owner=teammate, pool=pool_a)
    held_lead = LeadFactory(owner=teammate, pool=pool_a)
    pool_a_lead, pool_b_lead = LeadFactory(pool=pool_a), LeadFactory(pool=pool_b)
    call, call2 = CallFactory(lead=lead, rep=rep), CallFactory(lead=lead, rep=rep)
    target = targets.create_target(actor=manager, metric="premium", value=Decimal(100000), owner_kind="rep",
                                   rep=rep, period_kind="month", start=TODAY)
    team_target = targets.create_target(actor=manager, metric="premium", value=Decimal(300000), owner_kind="team",
                                        team=team_a, period_kind="month", start=TODAY)
    rule = targets.create_alert_rule(actor=manager, metric="premium", threshold_percent=Decimal(80),
                                     consecutive_days=3, team=team_a)
    alert = Alert.objects.create(rule=rule, target=team_target, streak_start=TODAY, streak_end=TODAY, days_below=3,
                                 message="below pace")
    card = qa.scorecard(manager, team_a)
    sampling_plan = qa.plan(manager, team_a, card)
    sample = qa.sample(manager, call, card)
    assignment = coaching.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=manager)
    reviewed = coaching.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=admin)
    review = coaching.submit_review(actor=admin, assignment_id=reviewed.pk, scores=dict(qa.ALL_FIVES))
    plan = coaching.start_plan(actor=manager, rep=rep, title="Lift connect rate", items=[
        {**item, "due": dt.date.fromisoformat(item["due"])} for item in ITEMS], start_date=TODAY)
    note = coaching.write_note(actor=manager, rep=rep, situation="s", behaviour="b", impact="i")
    item = coaching.add_action_item(actor=manager, note_id=note.pk, description="Listen to calls",
                                    due_on=TODAY + dt.timedelta(days=7))
    appeal = Appeal.objects.create(lead=mate_lead, requested_by=rep, holder_at_request=teammate, reason="mine")
    attribute = AttributeDefinition.objects.create(key="age_band", label="Age band", kind="choice",
                                                   choices=["18-29", "30+"])
    job = ImportJob.objects.create(created_by=manager, original_name="leads.csv", pool=pool_a, status="done",
                                   report="row,result\n")
    notification = Notification.objects.get(pk=notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=lead)[0])
    disposition = call.disposition
    lost_reason = LostReason.objects.create(name="Moved away")
    spare_key_owner = IntegrationFactory()
    api_token_for(spare_key_owner, actor=admin, name="spare")
    token = spare_key_owner.api_tokens.get()
    hook = Endpoint.objects.create(name="Matrix", url="https://93.184.215.14/hook", secret="x" * 32,
                                   event_types=["lead.claimed"])
    hook_event = Event.objects.create(type="lead.claimed", object_type="lead", object_id=lead.pk,
                                      occurred_at=timezone.now(), payload={"id": lead.pk})
    hook_delivery = Delivery.objects.create(endpoint=hook, event=hook_event, object_key=f"lead:{lead.pk}",
                                            status="failed", next_attempt_at=timezone.now(), created_at=timezone.now())
    objects = locals()
    # The pass a collision answer gives the rep who typed the number of the teammate's lead.
    collision = collision_pass(lead_id=held_lead.pk, user_id=rep.pk)
    return {"collision": collision} | {name: obj.pk for name, obj in objects.items() if hasattr(obj, "pk")}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once; each cell (`db`) runs in a savepoint inside this transaction, rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            from accounts.models import User

            users = {role: User.objects.get(pk=w[role]) for role in ROLES if role not in ("anon", "integration")}
            sessions = {}
            for role, user in users.items():
                client = Client()
                client.force_login(user)
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            w["_sessions"] = sessions
            w["_token"] = api_token_for(User.objects.get(pk=w["integration"]), actor=users["admin"])
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def send(w: dict, role: str, row: Row):
    """One request as `role`: a session for people, the API token for the integration."""
    client = Client()
    headers = {}
    if role == "integration":
        headers["HTTP_AUTHORIZATION"] = f"Token {w['_token']}"
    elif role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = w["_sessions"][role]
    path = row.path.format(**w)
    body = BODIES[row.body](w) if row.body else {}
    method = getattr(client, row.method.lower())
    if row.method == "GET":
        return method(path, **headers)
    if path.startswith("/api/"):
        return method(path, body, content_type="application/json", **headers)
    return method(path, body, **headers)


def status_matches(expected: str, actual: int) -> bool:
    return actual in (403, 404) if expected == DENIED else actual == int(expected)


# ---- cells that break the rule today ----------------------------------------------------------
# cause -> [(method path, roles)]; every listed cell runs as a strict xfail with the cause as reason.
KNOWN: dict[str, list[tuple[str, tuple[str, ...]]]] = {}


def _known_reasons() -> dict[tuple[str, str], str]:
    reasons = {}
    for cause, cells in KNOWN.items():
        for key, roles in cells:
            assert key in {r.key for r in ROWS}, f"KNOWN names a row not in the table: {key}"
            for role in roles:
                reasons[(key, role)] = cause
    return reasons


def _cells():
    reasons = _known_reasons()
    for row in ROWS:
        for role in ROLES:
            marks = [pytest.mark.xfail(strict=True, reason=reasons[(row.key, role)])] if (row.key, role) in reasons else []
            yield pytest.param(row, role, id=f"{row.key} as {role}", marks=marks)


@pytest.mark.parametrize(("row", "role"), list(_cells()))
def test_permission_cell(world, db, row, role):
    response = send(world, role, row)
    expected = row.expected[role]
    assert status_matches(expected, response.status_code), (
        f"{row.key} as {role}: expected {expected}, got {response.status_code}: {response.content[:300]!r}"
    )


# ---- every URL is in the table -----------------------------------------------------------------
EXCLUDED_PREFIXES = ("admin/", "api/schema/", "api/docs/", "static/")


def _patterns(resolver=None, prefix="", namespaces=()):
    """(route, view name, pattern) for every URL the project answers."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern), (*namespaces, p.namespace) if p.namespace else namespaces)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ":".join((*namespaces, p.name or prefix + str(p.pattern))), p


def _methods(pattern: URLPattern) -> set[str]:
    """HTTP methods a route answers: a viewset's actions, an APIView's handlers, or any one for a page."""
    callback = pattern.callback
    if getattr(callback, "actions", None):
        # DRF adds "head" to the actions once the view has answered a GET.
        return {m.upper() for m in callback.actions} - {"HEAD", "OPTIONS"}
    cls = getattr(callback, "cls", None)
    if cls is not None and hasattr(cls, "permission_classes"):
        return {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)}
    return set()


def test_every_url_pattern_and_method_is_in_the_matrix():
    covered: dict[str, set[str]] = {}
    for row in ROWS:
        path = row.path.format_map(_AnyId())
        match = resolve(path.split("?")[0])
        covered.setdefault(match.view_name, set()).add(row.method)
    missing = []
    for route, name, pattern in _patterns():
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        methods = covered.get(name)
        if methods is None:
            missing.append(f"{route} (no row)")
        elif _methods(pattern) - methods:
            missing.append(f"{route} {sorted(_methods(pattern) - methods)}")
    assert not missing, "Add these endpoints/pages to MATRIX:\n" + "\n".join(missing)


class _AnyId(dict):
    def __missing__(self, key):
        return 1


# ---- notifications: each event reaches exactly the right people ---------------------------------
def test_each_event_notifies_exactly_the_right_people(world, db):
    """In the same world: the new holder of a reassigned lead, the rep whose appeal is decided,
    the rep whose QA review completes, the managers of an alert's team, the rep of a due
    follow-up, the holder of a returning lead, a plan's rep and manager at a check-in."""
    from accounts.models import User
    from calls import reminders as follow_ups
    from calls.models import FollowUp
    from coaching.services import reminders as check_ins
    from leads import services as leads
    from leads.models import Lead
    from leads.services import reminders as returning
    from targets.services.alert_notices import notify_alert_managers

    w = world
    users = {role: User.objects.get(pk=w[role]) for role in ROLES if role != "anon"}

    def raised(run) -> list[tuple[str, int]]:
        before = set(Notification.objects.values_list("pk", flat=True))
        run()
        new = Notification.objects.exclude(pk__in=before)
        return sorted((n.kind, n.recipient_id) for n in new)

    assert raised(lambda: leads.reassign_lead(actor=users["manager"], lead_id=w["pool_a_lead"], to_user_id=w["teammate"])) \
        == [(Kind.LEAD_REASSIGNED, w["teammate"])]
    assert raised(lambda: leads.decide_appeal(actor=users["manager"], appeal_id=w["appeal"], approve=False)) \
        == [(Kind.APPEAL_DECIDED, w["rep"])]
    assert raised(lambda: coaching.submit_review(actor=users["manager"], assignment_id=w["assignment"],
                                                 scores=dict(qa.ALL_FIVES))) == [(Kind.QA_REVIEW_COMPLETE, w["rep"])]
    assert raised(lambda: notify_alert_managers([w["alert"]])) == [(Kind.TARGET_ALERT, w["manager"])]
    FollowUp.objects.create(lead_id=w["lead"], assigned_to_id=w["rep"], due_at=timezone.now() + dt.timedelta(minutes=5))
    assert raised(lambda: follow_ups.notify_due_follow_ups(minutes=15)) == [(Kind.FOLLOW_UP_DUE, w["rep"])]
    Lead.objects.exclude(pk=w["lead"]).update(claimed_at=timezone.now())  # only the rep's lead is near its return
    Lead.objects.filter(pk=w["lead"]).update(claimed_at=timezone.now() - dt.timedelta(hours=47))
    assert raised(lambda: returning.notify_returning_leads(hours=2)) == [(Kind.LEAD_RETURNING, w["rep"])]
    assert raised(lambda: check_ins.notify_check_ins_due(today=TODAY + dt.timedelta(days=7))) == sorted(
        [(Kind.CHECK_IN_DUE, w["rep"]), (Kind.CHECK_IN_DUE, w["manager"])])
