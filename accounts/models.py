"""Users, roles and teams. Who may see what is decided in accounts/access.py, nowhere else."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIALER_SCHEMES = ("tel", "sip", "sips", "callto", "http", "https")
DIALER_PLACEHOLDERS = ("{e164}", "{digits}")


def validate_dialer_template(value: str) -> None:
    """A click-to-dial URL template: a known scheme, one of {e164}/{digits}, no other braces."""
    text = (value or "").strip()
    if not text:
        return
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme not in DIALER_SCHEMES:
        raise ValidationError(_("Start the dialer URL with one of: %(schemes)s.") % {"schemes": ", ".join(
            f"{s}:" for s in DIALER_SCHEMES)})
    if not any(p in text for p in DIALER_PLACEHOLDERS):
        raise ValidationError(_("Put {e164} (or {digits}) where the phone number goes."))
    rest = text
    for placeholder in DIALER_PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    if "{" in rest or "}" in rest or any(c.isspace() or ord(c) < 32 for c in text):
        raise ValidationError(_("Only {e164} and {digits} may appear in braces, and no spaces."))


class Role(models.TextChoices):
    REP = "rep", _("Rep")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")
    # A dialer, lead source or BI tool acting through an API token; sees everything its role allows.
    INTEGRATION = "integration", _("Integration")


class TeamStage(models.TextChoices):
    FORMING = "forming", _("Forming")
    STORMING = "storming", _("Storming")
    NORMING = "norming", _("Norming")
    PERFORMING = "performing", _("Performing")


class Team(models.Model):
    """A sales team and its settings, including the few that other apps read.

    The settings stay here on purpose rather than in one settings model per app. They are
    plain numbers and times, each with a default, edited together on the team's admin page.
    accounts is the lowest app, so calls, kpis, targets and coaching can all read them without
    an import against the direction. Per-app one-to-one models would add four tables, four
    forms and a join on every team page for eight columns. Each field's comment says which app
    reads it. A new setting goes here only if it is a single value per team; anything larger
    gets its own model in the app that owns it (as coaching's sampling plans and targets'
    alert rules do)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_teams", blank=True, verbose_name=_("managers")
    )
    founded_on = models.DateField(_("founded on"), default=timezone.localdate)
    # coaching: empty means the stage is derived from the team's age; set it to override.
    stage_override = models.CharField(max_length=20, choices=TeamStage.choices, blank=True, verbose_name=_("stage override"))
    # targets: extra share a manager adds when handing team targets to reps (求其上得其中).
    target_uplift_percent = models.DecimalField(max_digits=5, decimal_places=2, default=20, verbose_name=_("target uplift percent"))
    # kpis: outbound capacity inputs (performance-driver model).
    daily_calling_hours = models.DecimalField(max_digits=4, decimal_places=2, default=6, verbose_name=_("daily calling hours"))
    working_days_per_month = models.PositiveSmallIntegerField(default=22, verbose_name=_("working days per month"))
    avg_talk_minutes_per_customer = models.DecimalField(max_digits=6, decimal_places=2, default=3, verbose_name=_("avg talk minutes per customer"))
    avg_calls_per_customer = models.DecimalField(max_digits=6, decimal_places=2, default=2, verbose_name=_("avg calls per customer"))
    # calls: customers' private time; no calls or SMS outside these local hours.
    calling_hours_start = models.TimeField(default="09:00", verbose_name=_("calling hours start"))
    calling_hours_end = models.TimeField(default="20:00", verbose_name=_("calling hours end"))
    # calls: click-to-dial. Empty: a plain tel: link. Else a URL with {e164} (and/or {digits}),
    # e.g. "sip:{e164}" or "https://dialer.example/call?n={e164}" (checked by validate_dialer_template).
    dialer_url_template = models.CharField(
        _("dialer URL template"), max_length=300, blank=True, validators=[validate_dialer_template],
        help_text=_("Empty for tel: links; else e.g. sip:{e164} or https://dialer.example/call?n={e164}."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REP, db_index=True)
    # Full display name, e.g. 王芳; username is the login.
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name=_("team")
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    # A rep may opt out of automatic distribution (holiday, training).
    accepts_distribution = models.BooleanField(default=True, verbose_name=_("accepts distribution"))
    deactivated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("deactivated at"))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class ApiToken(models.Model):
    """One token per integration, created by an admin, revocable. Only a hash is stored."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    key_prefix = models.CharField(max_length=8, db_index=True, verbose_name=_("key prefix"))
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    # Empty: the token works until revoked.
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("expires at"))
    # What the token may do (accounts.scopes.SCOPES); `admin` includes every other scope.
    scopes = models.JSONField(default=list, blank=True, verbose_name=_("scopes"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return secrets.token_hex(20)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
