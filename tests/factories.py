"""factory_boy factories shared by every app's tests. Apps add their own below their section."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, Team, User
from calls.models import Call, Channel, Disposition
from leads.models import Lead, Pool

PASSWORD = "s3cret-pass"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    founded_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))


class UserFactory(factory.django.DjangoModelFactory):
    """A rep by default; use ManagerFactory / AdminFactory for the other roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.REP
    team = factory.SubFactory(TeamFactory)
    hired_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ManagerFactory(UserFactory):
    """A manager who manages the team they are given (or a new one)."""

    role = Role.MANAGER

    @factory.post_generation
    def manages(obj, create, extracted, **kwargs):
        if create:
            teams = extracted if extracted is not None else [obj.team]
            for team in teams:
                if team is not None:
                    team.managers.add(obj)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    team = None
    is_staff = True
    is_superuser = True


class PoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pool

    name = factory.Sequence(lambda n: f"Pool {n}")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    company = factory.Sequence(lambda n: f"公司{n}")
    pool = factory.SubFactory(PoolFactory)
    owner = None
    claimed_at = factory.LazyAttribute(lambda o: timezone.now() if o.owner else None)


class DispositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disposition
        django_get_or_create = ["code"]

    code = "reached"
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " "))


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    lead = factory.SubFactory(LeadFactory)
    rep = factory.LazyAttribute(lambda o: o.lead.owner or UserFactory())
    channel = Channel.PHONE
    started_at = factory.LazyFunction(timezone.now)
    duration_seconds = 60
    disposition = factory.SubFactory(DispositionFactory)
    premium = None
    margin_rate = None

    class Params:
        sold = factory.Trait(premium=Decimal("1000.00"), margin_rate=Decimal("0.2000"))


class IntegrationFactory(UserFactory):
    """An API integration account (dialer, lead source, BI tool); it acts through a token."""

    role = Role.INTEGRATION
    team = None


def api_token_for(user: User, *, actor: User | None = None, name: str | None = None) -> str:
    """A real API token for `user` (created by an admin through the service); returns the key."""
    from accounts.services import create_api_token

    _, key = create_api_token(actor=actor or AdminFactory(), name=name or f"token for {user.username}", user=user)
    return key
