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
    with pytest.raises(InvalidInput, match=r'^date "2015/07/02" is not a date like 2015-07-02, 02/07/2015 or 2 Jul'):
        parse_date("2015/07/02")


@pytest.mark.parametrize("text", ["2015-07-02", "02/07/2015", "2/7/2015", "2 July 2015", "2nd July 2015",
                                  " 2  Jul  2015 ", "2 jul 2015", "02 JULY 2015"])
def test_dates_as_officers_type_them(text: str) -> None:
    assert parse_date(text) == dt.date(2015, 7, 2)


@pytest.mark.parametrize(("text", "day"), [
    ("31/03/2016", dt.date(2016, 3, 31)), ("1st Sept 2015", dt.date(2015, 9, 1)),
    ("23rd March 2016", dt.date(2016, 3, 23)), ("29/02/2016", dt.date(2016, 2, 29)),
])
def test_day_first_and_worded_dates(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(("text", "message"), [
    ("07/31/2015", 'date "07/31/2015" is in the US order (month/day/year); write the day first, e.g. 31/07/2015'),
    ("31/02/2016", 'date "31/02/2016" does not exist in the calendar'),
    ("29/02/2015", 'date "29/02/2015" does not exist in the calendar'),
    ("31 Smarch 2016", 'date "31 Smarch 2016" is not a date like 2015-07-02, 02/07/2015 or 2 July 2015'),
    ("July 2 2015", 'date "July 2 2015" is not a date like 2015-07-02, 02/07/2015 or 2 July 2015'),
    ("02/07/15", 'date "02/07/15" is not a date like 2015-07-02, 02/07/2015 or 2 July 2015'),
])
def test_dates_that_are_refused(text: str, message: str) -> None:
    """The US order is never guessed: 07/06/2015 is 7 June, and 07/31/2015 is refused, not turned round."""
    with pytest.raises(InvalidInput) as refused:
        parse_date(text)
    assert str(refused.value) == message
