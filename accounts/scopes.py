"""What an API token may do: its scopes, and the scope each endpoint needs.

A token carries a list of scopes. Each API request made with a token needs the scope of its
endpoint (`scope_for`), and `admin` includes every other scope. A request signed in with a
session needs no scope: its user's role decides, as everywhere (accounts/access.py).

An endpoint names its scope in one of three ways, first match wins:
- `required_scope = "admin"` on the view class (or `@action(..., required_scope="admin")`, or
  `requires_scope("admin")` around an `@api_view` function); a `(read, write)` pair splits by
  method (GET/HEAD/OPTIONS read);
- else the first entry of `BY_PATH` whose prefix the path under /api/v1/ starts with;
- else `admin`: an endpoint nobody listed is an admin endpoint until someone says otherwise."""

from django.utils.translation import gettext_noop

ADMIN = "admin"
LEADS_READ, LEADS_WRITE = "leads:read", "leads:write"
CALLS_READ, CALLS_WRITE = "calls:read", "calls:write"
KPIS_READ = "kpis:read"
ANY = ""  # any valid token (who am I, the people and teams it may see, the dispositions)

# scope -> what it allows (shown on the tokens page and in the schema)
SCOPES = {
    LEADS_READ: gettext_noop("Read leads, pools, imports, appeals and reference data"),
    LEADS_WRITE: gettext_noop("Create and update leads, import leads"),
    CALLS_READ: gettext_noop("Read calls"),
    CALLS_WRITE: gettext_noop("Log and sync calls"),
    KPIS_READ: gettext_noop("Read KPIs, the funnel, targets and coaching"),
    ADMIN: gettext_noop("Act as an admin: users, teams, pools and reference data, and every other scope"),
}
# What an integration token could do before tokens had scopes, and a new token's default.
INTEGRATION = [LEADS_READ, LEADS_WRITE, CALLS_READ, CALLS_WRITE, KPIS_READ]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# path under /api/v1/ -> (scope to read, scope to write); first matching prefix wins.
BY_PATH = [
    ("me/", ANY, ANY),
    ("users/", ANY, ADMIN),
    ("teams/", ANY, ADMIN),
    ("dispositions/", ANY, ADMIN),
    ("lost-reasons/", LEADS_READ, ADMIN),
    ("lead-attributes/", LEADS_READ, ADMIN),
    ("pools/", LEADS_READ, ADMIN),
    ("leads/", LEADS_READ, LEADS_WRITE),
    ("lead-imports/", LEADS_READ, LEADS_WRITE),
    ("lead-appeals/", LEADS_READ, LEADS_WRITE),
    ("calls/", CALLS_READ, CALLS_WRITE),
    # Questions asked with a POST body (what-if, plan, coverage, a decomposition preview) are reads.
    ("kpis/", KPIS_READ, KPIS_READ),
    ("funnel/", KPIS_READ, KPIS_READ),
    ("targets/", KPIS_READ, ADMIN),
    ("target-alerts/", KPIS_READ, ADMIN),
    ("coaching/", KPIS_READ, ADMIN),
    # A token's own notifications and preferences (its account's, like the browser's bell).
    ("notifications/", ANY, ANY),
    ("notification-preferences/", ANY, ANY),
]


def _by_method(scope, method: str) -> str:
    if isinstance(scope, tuple | list):
        return scope[0] if method in READ_METHODS else scope[1]
    return scope


def scope_for(path: str, method: str, declared=None) -> str:
    """The scope a token needs for `method` on `path` (under /api/v1/); `declared` is the view's own."""
    if declared is not None:
        return _by_method(declared, method)
    for prefix, read, write in BY_PATH:
        if path.startswith(prefix):
            return read if method in READ_METHODS else write
    return ADMIN


def grants(scopes, needed: str) -> bool:
    """Do `scopes` (a token's) allow what needs `needed`? `admin` allows everything."""
    return needed == ANY or needed in scopes or ADMIN in scopes


def clean_scopes(scopes) -> list[str]:
    """The scopes in the order of SCOPES, without repeats; ValueError naming an unknown one."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(", ".join(unknown))
    return [s for s in SCOPES if s in set(scopes)]
