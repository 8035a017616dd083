"""The personal-data guard, in both directions, with generated input."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from peerstod.core.privacy import Kind, find_personal_data, luhn_ok, no_personal_data


def check_digit(nine: str) -> str:
    for digit in "0123456789":
        if luhn_ok(nine + digit):
            return digit
    raise AssertionError


def identity_number(day: date, serial: int, coordination: bool) -> str:
    dd = day.day + (60 if coordination else 0)
    nine = f"{day:%y%m}{dd:02d}{serial:03d}"
    return nine + check_digit(nine)


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
# Text around a number: anything that does not itself glue digits onto it.
surroundings = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="0123456789+-"),
    max_size=40,
)


@st.composite
def written_identity_numbers(draw):
    day = draw(births)
    coordination = draw(st.booleans())
    ten = identity_number(day, draw(st.integers(0, 999)), coordination)
    separator = draw(st.sampled_from(["", "-", "+", " "]))
    century = draw(st.booleans())
    prefix = f"{day.year // 100}" if century else ""
    return prefix + ten[:6] + separator + ten[6:], coordination


@settings(max_examples=300)
@given(written_identity_numbers(), surroundings, surroundings)
@example(("811218-9876", False), "Patienten ", " ville prata.")
@example(("198112189876", False), "", "")
def test_every_valid_identity_number_is_found_in_any_text(number, before, after):
    written, coordination = number
    text = before + " " + written + " " + after
    findings = find_personal_data(text)
    start = len(before) + 1
    kind = Kind.COORDINATION_NUMBER if coordination else Kind.PERSONAL_NUMBER
    assert any(
        f.kind == kind and f.start == start and f.end == start + len(written) for f in findings
    ), (text, findings)


@settings(max_examples=300)
@given(births, st.integers(0, 999), st.integers(1, 9))
def test_a_wrong_check_digit_is_not_flagged(day, serial, offset):
    ten = identity_number(day, serial, coordination=False)
    wrong = ten[:9] + str((int(ten[9]) + offset) % 10)
    assert not luhn_ok(wrong)
    assert find_personal_data(f"nummer {wrong[:6]}-{wrong[6:]} här") == []


@settings(max_examples=300)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_are_not_flagged(day):
    for text in (
        f"{day:%Y-%m-%d}",
        f"{day:%d-%m-%Y}",
        f"{day:%d.%m.%Y}",
        f"{day:%Y%m%d}",
        f"{day:%y%m%d}",
        f"mötet {day:%Y-%m-%d} kl. 10:30–11:15",
    ):
        assert find_personal_data(text) == [], text


@settings(max_examples=300)
@given(st.integers(0, 10**9), st.integers(0, 99))
def test_amounts_and_counts_are_not_flagged(whole, cents):
    for text in (
        f"{whole} kr",
        f"{whole:,}".replace(",", " ") + " kr",
        f"{whole},{cents:02d} kr",
        f"{whole % 10000} vårddygn",
        f"{whole % 1000} av {whole % 1000 + 5} svarade",
    ):
        assert find_personal_data(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "Ring mig på 070-123 45 67",
        "ring 0701234567",
        "tel +46 70 123 45 67",
        "tel 0046701234567",
        "växeln 031-10 10 10",
        "08-123 456 78",
    ],
)
def test_phone_numbers_are_found(text):
    assert [f.kind for f in find_personal_data(text)] == [Kind.PHONE]


@pytest.mark.parametrize(
    "text", ["skriv till anna.svensson@region.se", "mejla kalle+forum@exempel.nu i dag"]
)
def test_email_addresses_are_found(text):
    assert [f.kind for f in find_personal_data(text)] == [Kind.EMAIL]


def test_a_plain_note_passes():
    no_personal_data("Vi bakade kladdkaka på onsdagen, sex deltog. Nästa forum fredag 10:30.")


def test_the_validator_names_what_to_remove_in_swedish():
    from django.utils import translation

    with translation.override("sv"), pytest.raises(ValidationError) as raised:
        no_personal_data("Patient 19811218-9876 vill byta rum")
    message = raised.value.messages[0]
    assert "personnummer" in message
    assert "Ta bort" in message
    assert "9876" not in message  # the number is not repeated back in full


def test_the_validator_speaks_english_when_asked():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        no_personal_data("call 070-123 45 67")
    assert "phone number" in raised.value.messages[0]


def test_a_day_plus_sixty_is_a_coordination_number():
    number = identity_number(date(1990, 3, 1), 123, coordination=True)
    assert number[4:6] == "61"
    assert [f.kind for f in find_personal_data(number)] == [Kind.COORDINATION_NUMBER]


def test_an_impossible_date_is_not_an_identity_number():
    nine = "901332123"  # month 13
    assert find_personal_data(nine + check_digit(nine)) == []


def test_digits_glued_to_a_longer_number_are_not_an_identity_number():
    ten = identity_number(date(1981, 12, 18), 987, coordination=False)
    assert find_personal_data("99" + ten + "99") == []


def test_two_findings_come_in_order():
    text = "a@b.se och 811218-9876"
    # 811218-987 + check digit must be valid for this to be two findings
    assert luhn_ok("8112189876")
    kinds = [f.kind for f in find_personal_data(text)]
    assert kinds == [Kind.EMAIL, Kind.PERSONAL_NUMBER]


def test_born_before_1900_with_century_is_not_found():
    day = date(1999, 1, 1) - timedelta(days=0)
    ten = identity_number(day, 1, False)
    assert find_personal_data("17" + ten) == []


# Disguises: identifiers as people really write them (Word's dashes, no-break spaces,
# characters that cannot be seen). The guard reads through every one of them.

DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\uff0d", "\ufe63"]
SPACES = [" ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u3000"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@st.composite
def disguised(draw, plain: str) -> str:
    """`plain` with invisible characters slipped in between some of its characters."""
    out = []
    for char in plain:
        out.append(char)
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
    return "".join(out)


@st.composite
def disguised_identity_numbers(draw):
    day = draw(births)
    ten = identity_number(day, draw(st.integers(0, 999)), coordination=False)
    space = draw(st.sampled_from(SPACES))
    dash = draw(st.sampled_from(DASHES))
    shape = draw(st.sampled_from(["spaced dash", "dot", "dash", "split", "iso", "full-width"]))
    yy, mm, dd, tail = ten[:2], ten[2:4], ten[4:6], ten[6:]
    century = f"{day.year // 100}"
    written = {
        "spaced dash": f"{yy}{mm}{dd}{space}{dash}{space}{tail}",
        "dot": f"{yy}{mm}{dd}.{tail}",
        "dash": f"{yy}{mm}{dd}{dash}{tail}",
        "split": f"{yy}{space}{mm}{space}{dd}{dash}{tail}",
        "iso": f"{century}{yy}{dash}{mm}{dash}{dd}{dash}{tail}",
        "full-width": "".join(chr(ord(c) + 0xFEE0) for c in f"{yy}{mm}{dd}") + f"\uff0d{tail}",
    }[shape]
    return draw(disguised(written))


@settings(max_examples=400)
@given(disguised_identity_numbers(), surroundings, surroundings)
@example("850101 - 1236", "", "")
@example("85 01 01-1236", "född ", "")
def test_an_identity_number_in_disguise_is_found_where_it_stands(written, before, after):
    text = f"{before} {written} {after}"
    findings = [f for f in find_personal_data(text) if f.kind == Kind.PERSONAL_NUMBER]
    assert findings, (text, find_personal_data(text))
    start = len(before) + 1
    assert findings[0].start == start
    # An invisible character after the last digit is not part of the finding.
    assert findings[0].end == start + len(written.rstrip("".join(INVISIBLE)))


@st.composite
def disguised_phones(draw):
    groups = draw(
        st.sampled_from(
            [
                ("070", "123", "45", "67"),
                ("08", "123", "456", "78"),
                ("031", "10", "10", "10"),
                ("0701", "23", "45", "67"),
            ]
        )
    )
    space = draw(st.sampled_from(SPACES))
    dash = draw(st.sampled_from(DASHES))
    area, *rest = groups
    written = draw(
        st.sampled_from(
            [
                f"{area}.{'.'.join(rest)}",
                f"({area}){space}{space.join(rest)}",
                f"{area}{space}{dash}{space}{space.join(rest)}",
                f"+46{space}{area[1:]}{space}{space.join(rest)}",
                f"{area}/{''.join(rest)}",
            ]
        )
    )
    return draw(disguised(written))


@settings(max_examples=300)
@given(disguised_phones())
@example("070.123.45.67")
@example("(070) 123 45 67")
@example("070 - 123 45 67")
def test_a_phone_number_in_disguise_is_found(written):
    assert [f.kind for f in find_personal_data(f"ring {written} i kväll")] == [Kind.PHONE]


@settings(max_examples=300)
@given(
    st.sampled_from(["@", "\uff20", " @ ", "(at)", " (at) ", "[at]", " [ at ] ", "{at}"]),
    st.sampled_from([".", " (dot) ", "[dot]", "(punkt)"]),
)
def test_an_e_mail_address_in_disguise_is_found(at, dot):
    text = f"skriv till anna.svensson{at}region{dot}se i morgon"
    assert [f.kind for f in find_personal_data(text)] == [Kind.EMAIL], text


@pytest.mark.parametrize(
    "text",
    [
        "mötet 2024-01-15 kl. 10:30–11:15",
        "kl. 08.30\u201309.15 i rum 0123",
        "Dnr 2024/0123 och ärende 12345",
        "1\u00a0000\u00a0000 kr",
        "12\u202f345,50 kr",
        "org.nr 556677-8899",
        "0,5 mg vid behov",
        "den 01.02.2024 och 2024-01-15 1030",
        "vecka 08, rum 0312",
        "träffen @ dagrummet kl 10",
    ],
)
def test_dates_times_sums_rooms_cases_and_organisation_numbers_still_pass(text):
    assert find_personal_data(text) == [], text
