"""Statutory interest and compensation under the Late Payment of Commercial Debts (Interest) Act 1998."""

import datetime as dt

import pytest

from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import add_days, days_between
from tracker.domain.late_payment import (
    base_rates,
    fixed_compensation,
    late_payment,
    read_base_rates,
    simple_interest,
)


def test_the_worked_case_44880_received_5_september_paid_20_october_2015() -> None:
    received, paid = dt.date(2015, 9, 5), dt.date(2015, 10, 20)
    due = add_days(received, 30)
    assert (due, days_between(received, paid)) == (dt.date(2015, 10, 5), 45)
    late = late_payment(4_488_000, due_on=due, paid_on=paid)
    assert (late.days_late, late.reference_day, late.rate_bp) == (15, dt.date(2015, 6, 30), 850)
    assert (late.interest_pence, late.compensation_pence, late.liable_pence) == (15_677, 10_000, 25_677)


def test_paid_by_the_due_date_costs_nothing() -> None:
    late = late_payment(4_488_000, due_on=dt.date(2015, 10, 31), paid_on=dt.date(2015, 10, 20))
    assert (late.days_late, late.interest_pence, late.compensation_pence) == (0, 0, 0)
    assert late_payment(4_488_000, due_on=dt.date(2015, 10, 31), paid_on=dt.date(2015, 10, 31)).liable_pence == 0


def test_the_rate_is_fixed_on_the_half_years_reference_day_and_stays_fixed() -> None:
    """Late from 2 Jan 2023: the rate on 31 Dec 2022 (3.5%) + 8%, though the base rate rose to 4% on 2 Feb."""
    late = late_payment(1_000_000, due_on=dt.date(2023, 1, 1), paid_on=dt.date(2023, 4, 1))
    assert (late.reference_day, late.rate_bp, late.days_late) == (dt.date(2022, 12, 31), 1150, 90)
    assert late.interest_pence == simple_interest(1_000_000, 1150, 90) == 28_356  # 10,000 × 11.5% × 90/365 = 283.56
    july = late_payment(1_000_000, due_on=dt.date(2023, 6, 30), paid_on=dt.date(2023, 7, 10))
    assert (july.reference_day, july.rate_bp) == (dt.date(2023, 6, 30), 1300)  # 5% on 30 Jun 2023


def test_half_a_penny_rounds_up_and_less_rounds_down() -> None:
    assert simple_interest(365, 10_000, 1) == 1  # exactly 1p
    assert simple_interest(730, 2_500, 1) == 1  # 7.30 × 25% / 365 = 0.5p: up
    assert simple_interest(729, 2_500, 1) == 0  # 0.4993p: down


@pytest.mark.parametrize(("pence", "compensation"), [
    (1, 4_000), (99_999, 4_000), (100_000, 7_000), (999_999, 7_000), (1_000_000, 10_000), (4_488_000, 10_000)])
def test_fixed_compensation_bands(pence: int, compensation: int) -> None:
    assert fixed_compensation(pence) == compensation


def test_the_shipped_base_rate_history_is_read_with_its_source() -> None:
    rates = base_rates()
    assert "bankofengland.co.uk" in rates.source
    assert rates.on(dt.date(2015, 6, 30)) == 50
    assert rates.on(dt.date(2016, 8, 3)) == 50 and rates.on(dt.date(2016, 8, 4)) == 25
    assert rates.on(dt.date(2020, 3, 19)) == 10
    assert rates.on(dt.date(2024, 12, 31)) == 475
    days = [day for day, _rate in rates.changes]
    assert days == sorted(days) and len(days) == len(set(days))
    with pytest.raises(InvalidInput, match="complete to 2025-09-30"):
        rates.on(dt.date(2025, 12, 31))


def test_a_history_out_of_order_is_refused() -> None:
    with pytest.raises(InvalidInput, match="in date order"):
        read_base_rates("# checked_to,2020-01-01\neffective_from,rate_percent\n2019-01-01,1.00\n2018-01-01,2.00\n")


def test_the_history_ships_as_package_data() -> None:
    from tests.conftest import ROOT

    assert '"tracker.domain" = ["data/*.csv"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
