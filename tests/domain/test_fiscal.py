"""The UK financial year: 1 April to 31 March, periods P1 = April ... P12 = March."""

import datetime as dt

import pytest

from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import (
    FiscalYear,
    fiscal_year_of,
    format_date,
    parse_date,
    parse_fiscal_year,
    period_name,
    period_of,
)


def test_2015_16_boundaries() -> None:
    year = parse_fiscal_year("2015/16")
    assert (year.label, year.starts, year.ends) == ("2015/16", dt.date(2015, 4, 1), dt.date(2016, 3, 31))
    assert year.contains(dt.date(2016, 3, 31))
    assert year.contains(dt.date(2015, 4, 1))
    assert not year.contains(dt.date(2016, 4, 1))
    assert not year.contains(dt.date(2015, 3, 31))
    assert fiscal_year_of(dt.date(2016, 3, 31)) == FiscalYear(2015)
    assert fiscal_year_of(dt.date(2016, 4, 1)) == FiscalYear(2016)
    assert (year.next().label, year.previous().label) == ("2016/17", "2014/15")


@pytest.mark.parametrize(("month", "period"), [(4, 1), (5, 2), (12, 9), (1, 10), (2, 11), (3, 12)])
def test_periods_run_april_to_march(month: int, period: int) -> None:
    assert period_of(dt.date(2016 if month < 4 else 2015, month, 15)) == period


def test_period_names() -> None:
    assert (period_name(1), period_name(12)) == ("P1 Apr", "P12 Mar")


@pytest.mark.parametrize("text", ["2015/16", "2015-16", "2015/2016", " 2015/16 "])
def test_year_spellings(text: str) -> None:
    assert parse_fiscal_year(text) == FiscalYear(2015)


def test_century_turn() -> None:
    assert parse_fiscal_year("1999/00") == FiscalYear(1999)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2015/17", 'financial year "2015/17" does not exist; a year runs 1 April to 31 March, e.g. 2015/16'),
        ("2015", 'financial year "2015" is not a year like 2015/16'),
        ("２０１５/16", 'financial year "２０１５/16" is not a year like 2015/16'),
    ],
)
def test_bad_years_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_fiscal_year(text)
    assert str(refused.value) == message


def test_dates() -> None:
    assert parse_date("2015-07-02") == dt.date(2015, 7, 2)
    assert parse_date("today", today=dt.date(2015, 10, 19)) == dt.date(2015, 10, 19)
    assert parse_date("yesterday", today=dt.date(2015, 10, 19)) == dt.date(2015, 10, 18)
    assert format_date(dt.date(2015, 7, 2)) == "2 Jul 2015"
    with pytest.raises(InvalidInput, match=r'^date "2015-02-30" does not exist in the calendar$'):
        parse_date("2015-02-30")
    with pytest.raises(InvalidInput, match=r'^date "2/7/2015" is not a date like 2015-07-02 \(year-month-day\)$'):
        parse_date("2/7/2015")
