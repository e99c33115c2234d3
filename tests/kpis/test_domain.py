"""The driver model without a database: exact identity, n/a on zero denominators, diagnosis, what-if."""

from decimal import Decimal
from fractions import Fraction

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kpis.domain import (
    DIAGNOSIS_ITEMS,
    DRIVER_UNITS,
    Counts,
    decompose,
    diagnose,
    display_value,
    outbound_capacity,
    rank_drivers,
    team_benchmarks,
    what_if,
)
from kpis.templatetags.kpis_tags import driver


@st.composite
def consistent_counts(draw):
    dialled = draw(st.integers(0, 5000))
    reached = draw(st.integers(0, dialled))
    quoted = draw(st.integers(0, reached))
    sold = draw(st.integers(0, quoted))
    premium_cents = draw(st.integers(0, 10**10)) if sold else 0
    margin_cents = draw(st.integers(0, premium_cents))
    return Counts(
        customers_dialled=dialled, customers_reached=reached, customers_quoted=quoted, customers_sold=sold,
        premium=Decimal(premium_cents) / 100, margin_amount=Decimal(margin_cents) / 100,
    )


@given(consistent_counts())
def test_product_of_drivers_equals_measured_margin_exactly(counts):
    drivers = decompose(counts)
    assert drivers.identity_holds
    assert drivers.result == counts.margin_amount


@given(consistent_counts())
def test_rates_never_exceed_one_for_consistent_counts(counts):
    drivers = decompose(counts)
    for rate in (drivers.effective_connect_rate, drivers.quote_success_rate, drivers.sales_success_rate,
                 drivers.avg_margin_rate):
        assert rate is None or 0 <= rate <= 1


def test_hand_computed_drivers():
    counts = Counts(customers_dialled=40, customers_reached=20, customers_quoted=8, customers_sold=2,
                    premium=Decimal("3000.00"), margin_amount=Decimal("450.00"))
    d = decompose(counts)
    assert d.outbound_customers == 40
    assert d.effective_connect_rate == Fraction(1, 2)
    assert d.quote_success_rate == Fraction(2, 5)
    assert d.sales_success_rate == Fraction(1, 4)
    assert d.avg_premium == 1500
    assert d.avg_margin_rate == Fraction(3, 20)
    assert d.result == Decimal("450.00")
    assert d.as_decimals()["effective_connect_rate"] == Decimal("0.5000")


def test_zero_denominators_are_na_not_errors():
    d = decompose(Counts(customers_dialled=10, customers_reached=0))
    assert d.effective_connect_rate == 0
    assert d.quote_success_rate is None and d.sales_success_rate is None
    assert d.avg_premium is None and d.avg_margin_rate is None
    assert d.result == 0 and d.identity_holds
    empty = decompose(Counts())
    assert empty.effective_connect_rate is None and empty.result == 0


def test_outbound_capacity_from_team_settings():
    # 6 h × 22 days × 12 / (3 min/60 × 2 calls) = 1584 / 0.1 = 15,840 customers a year
    assert outbound_capacity(daily_hours=Decimal(6), working_days_per_month=22,
                             avg_talk_minutes_per_customer=Decimal(3), avg_calls_per_customer=Decimal(2)) == 15840
    assert outbound_capacity(daily_hours=Decimal(6), working_days_per_month=22,
                             avg_talk_minutes_per_customer=Decimal(0), avg_calls_per_customer=Decimal(2)) is None


def _rep(dialled, reached, quoted, sold, premium, margin):
    return Counts(customers_dialled=dialled, customers_reached=reached, customers_quoted=quoted, customers_sold=sold,
                  premium=Decimal(premium), margin_amount=Decimal(margin))


def test_diagnosis_names_the_weakest_driver_with_the_seed_remedy():
    team = [_rep(100, 50, 20, 5, 5000, 1000), _rep(100, 50, 20, 5, 5000, 1000), _rep(100, 50, 20, 6, 6000, 1200)]
    weak_quoter = _rep(100, 50, 5, 2, 2000, 400)  # quotes 10% of reached vs team 40%
    benchmarks = team_benchmarks([*team, weak_quoter])
    result = diagnose(weak_quoter, benchmarks)
    assert result.weakest == "quote_success_rate"
    assert result.problem == "Low quote rate"
    with translation.override("zh-hans"):  # the seeds' wording, from the catalogue
        assert "报价" in translation.gettext(result.problem) and "强行报价" in translation.gettext(result.remedy)
    statuses = {c.name: c.status for c in result.checks}
    assert statuses["quote_success_rate"] == "red"
    assert statuses["effective_connect_rate"] == "green"


def test_diagnosis_of_a_rep_at_benchmark_names_nothing():
    same = _rep(100, 50, 20, 5, 5000, 1000)
    assert diagnose(same, team_benchmarks([same, same])).weakest is None


def test_what_if_raises_the_result_and_caps_rates_at_100_percent():
    d = decompose(_rep(100, 95, 20, 5, 5000, 1000))
    up = what_if(d, {"quote_success_rate": Decimal("10"), "avg_premium": Decimal("10")})
    assert up.new_result == Fraction(1000) * Fraction(11, 10) ** 2
    capped = what_if(d, {"effective_connect_rate": Decimal("20")})  # 95% → capped at 100%
    assert capped.new_values["effective_connect_rate"] == 1
    assert capped.new_result == Fraction(1000) * Fraction(100, 95)


def test_ranking_puts_the_driver_with_the_largest_gap_to_top_quartile_first():
    d = decompose(_rep(100, 95, 10, 5, 5000, 1000))
    ranked = rank_drivers(d, percent=Decimal("10"), top_quartiles={
        "quote_success_rate": Fraction(30, 95), "sales_success_rate": Fraction(6, 10)})
    assert ranked[0].name == "quote_success_rate"
    assert ranked[0].gain_at_top_quartile == Fraction(2000)
    # connect rate is near its ceiling, so +10% gains less than +10% on premium
    by_name = {r.name: r for r in ranked}
    assert by_name["effective_connect_rate"].gain_at_uplift < by_name["avg_premium"].gain_at_uplift


def test_thin_pipeline_is_named_when_several_drivers_are_slightly_low():
    team = [_rep(100, 50, 20, 5, 5000, 1000)] * 3
    slightly_low = _rep(90, 40, 13, 4, 4000, 800)  # outbound 0.9, connect 0.89, quote 0.81 → quoted 0.65
    result = diagnose(slightly_low, team_benchmarks([*team, slightly_low]))
    assert result.weakest == "accumulated_customers"
    with translation.override("zh-hans"):
        assert "积累" in translation.gettext(result.remedy)


def test_one_unit_table_decides_how_every_driver_is_rounded_and_shown():
    assert set(DRIVER_UNITS) == set(DIAGNOSIS_ITEMS)
    third = Fraction(1, 3)
    assert [display_value(name, third * 1000) for name in ("outbound_customers", "avg_premium", "quote_success_rate")] \
        == [333, Decimal("333.33"), Decimal("333.3333")]
    assert display_value("avg_margin_rate", None) is None
    assert [driver(2.5, "accumulated_customers"), driver(1234.5, "avg_premium"), driver(0.25, "sales_success_rate"),
            driver(None, "avg_premium")] == ["3", "¥1,234.50", "25.0%", "—"]  # half up, as round_by_unit
