"""Factories for targets tests: KPI fact rows and targets."""

import datetime as dt
from decimal import Decimal

import factory

from kpis.models import DailyRepKpi
from targets.models import AlertRule, Target


class DailyRepKpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyRepKpi

    rep = None
    team = factory.LazyAttribute(lambda o: o.rep.team)
    day = dt.date(2026, 6, 1)
    calls_made = 60
    customers_dialled = 40
    customers_reached = 20
    customers_quoted = 8
    customers_sold = 2
    premium = Decimal("10000.00")
    margin_amount = Decimal("1500.00")
    talk_seconds = 7200


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    metric = "premium"
    value = Decimal("300000.00")
    owner_kind = "team"
    period_kind = "month"
    start = dt.date(2026, 6, 1)
    end = dt.date(2026, 6, 30)


class AlertRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertRule

    name = "3 working days below 80% of pace"
    metric = "premium"
    threshold_percent = Decimal("80")
    consecutive_days = 3
