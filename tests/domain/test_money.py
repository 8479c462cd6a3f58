"""Money in pence: what people type is read exactly, anything doubtful is refused in one clear line."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.errors import InvalidInput
from tracker.domain.money import PENCE_LIMIT, format_gbp, format_pounds, parse_money


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£149,600", 14_960_000),
        ("149600", 14_960_000),
        ("149,600.00", 14_960_000),
        ("44880.5", 4_488_050),
        ("£ 1,234.56", 123_456),
        (" 12.3 ", 1_230),
        ("0.01", 1),
        ("GBP 10", 1_000),
        ("92233720368547758.07", PENCE_LIMIT),
    ],
)
def test_accepts_what_people_type(text: str, pence: int) -> None:
    assert parse_money(text) == pence


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", 'amount "-5" is negative; amounts must be zero or more'),
        ("£-5", 'amount "£-5" is negative; amounts must be zero or more'),
        ("-£5", 'amount "-£5" is negative; amounts must be zero or more'),
        ("IMP-001", 'amount "IMP-001" is not an amount of money; write it like 149600 or £149,600.00'),
        ("2015-10-19", 'amount "2015-10-19" is not an amount of money; write it like 149600 or £149,600.00'),
        ("12.345", 'amount "12.345" has more than two decimal places'),
        ("1e6", 'amount "1e6" is not an amount of money; write it like 149600 or £149,600.00'),
        ("NaN", 'amount "NaN" is not an amount of money; write it like 149600 or £149,600.00'),
        ("inf", 'amount "inf" is not an amount of money; write it like 149600 or £149,600.00'),
        ("", "an amount is required, e.g. 149600 or £149,600.00"),
        ("   ", "an amount is required, e.g. 149600 or £149,600.00"),
        ("1,23,456", 'amount "1,23,456" is not an amount of money; write it like 149600 or £149,600.00'),
        ("92233720368547758.08", 'amount "92233720368547758.08" is larger than the largest amount the tracker holds'),
        ("١٢٣", 'amount "١٢٣" is not an amount of money; write it like 149600 or £149,600.00'),
        ("１２", 'amount "１２" is not an amount of money; write it like 149600 or £149,600.00'),
        ("0", 'amount "0" is zero; an amount must be more than £0.00'),
        ("12\n34", 'amount "12?34" is not an amount of money; write it like 149600 or £149,600.00'),
    ],
)
def test_refuses_with_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_money(text)
    assert str(refused.value) == message
    assert "\n" not in str(refused.value)


def test_thousands_of_digits_are_refused_not_crashed_on() -> None:
    """Bug fixed: int() of more than 4,300 digits raised ValueError, which reached the user as an internal error."""
    with pytest.raises(InvalidInput, match="larger than the largest amount"):
        parse_money("9" * 5000)


def test_zero_is_allowed_only_when_asked_for() -> None:
    assert parse_money("£0.00", allow_zero=True) == 0


def test_formats() -> None:
    assert format_gbp(14_960_000) == "£149,600.00"
    assert format_gbp(-123_456) == "-£1,234.56"
    assert format_pounds(4_488_050) == "44880.50"
    assert format_pounds(-5) == "-0.05"


@given(st.integers(min_value=0, max_value=PENCE_LIMIT))
def test_formatted_amounts_read_back_exactly(pence: int) -> None:
    assert parse_money(format_gbp(pence), allow_zero=True) == pence
    if pence > 0:
        assert parse_money(format_pounds(pence)) == pence
