"""Display names: normalisation, person keys, addresses in names, person or brand."""

from __future__ import annotations

import pytest

from detectors.names import (
    NICKNAMES,
    address_in_display_name,
    looks_like_person,
    name_key,
    normalise_person_name,
)

# --------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(("name", "expected"), [
    ("Robert Smith", "robert smith"),
    ("  ROBERT   SMITH ", "robert smith"),
    ("Róbert Śmith", "robert smith"),  # accents
    ("SMITH, Robert", "robert smith"),  # Last, First
    ("Smith, Robert, CEO", "robert smith"),
    ("Robert Smith, Jr.", "robert smith"),
    ('"Dr. Robert Smith"', "robert smith"),
    ("Robert Smith (Finance)", "robert smith"),
    ("Robert Smith <rsmith@acme.com>", "robert smith"),
    ("Rоbert Smіth", "robert smith"),  # Cyrillic о and і inside Latin words
    ("Jоhn Ѕmith", "john smith"),
    ("ΑΝΝΑ Smith", "anna smith"),  # Greek capitals that fold entirely to Latin
    ("ＲＯＢＥＲＴ　ＳＭＩＴＨ", "robert smith"),  # full-width
    ("Mary-Jane O'Neil", "mary jane oneil"),
    ("Łukasz Żółć", "lukasz zolc"),
    ("Иван Петров", "иван петров"),  # genuine Cyrillic stays Cyrillic
    ("", ""),
])
def test_normalise_person_name(name: str, expected: str) -> None:
    assert normalise_person_name(name) == expected


# --------------------------------------------------------------------------- name_key


@pytest.mark.parametrize("variant", [
    "Robert Smith",
    "Bob Smith",
    "Róbert Smith",
    "SMITH, Robert",
    "Smith, Bob",
    "Robert J. Smith",
    "Smith Robert",
    "Mr Bob Smith",
    "Rоbert Smith",  # Cyrillic о
    "bobby smith",
])
def test_spellings_of_one_person_share_a_key(variant: str) -> None:
    assert name_key(variant) == name_key("Robert Smith") == "robert smith"


@pytest.mark.parametrize(("nick", "full"), [
    ("Bill Jones", "William Jones"),
    ("Liz Taylor", "Elizabeth Taylor"),
    ("Beth Taylor", "Elizabeth Taylor"),
    ("Mike Ross", "Michael Ross"),
    ("Jim Hall", "James Hall"),
    ("Kate Bush", "Katherine Bush"),
    ("Tom Hardy", "Thomas Hardy"),
    ("Chris Evans", "Christopher Evans"),
    ("Alex Morgan", "Alexander Morgan"),
])
def test_nicknames_map_to_the_full_name(nick: str, full: str) -> None:
    assert name_key(nick) == name_key(full)


@pytest.mark.parametrize(("a", "b"), [
    ("Robert Smith", "Robert Smyth"),
    ("Robert Smith", "Richard Smith"),
    ("Robert Smith", "Robert James Smith"),  # middle names are kept
    ("Mary Smith", "Maria Smith"),
    ("Иван Петров", "Ivan Petrov"),  # no transliteration
])
def test_different_people_get_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_nickname_table_is_a_function_to_canonical_names() -> None:
    assert len(NICKNAMES) >= 150
    canonical = set(NICKNAMES.values())
    assert not canonical & NICKNAMES.keys()  # one step always reaches the canonical name


def test_name_key_of_nothing() -> None:
    assert name_key("") == ""
    assert name_key("ceo@acme.com") == ""


# --------------------------------------------------------------------------- address in name


@pytest.mark.parametrize(("display", "address", "expected"), [
    ("ceo@acme.com", "x93@gmail.com", "ceo@acme.com"),
    ("John Doe (john.doe@acme.com)", "attacker@evil.net", "john.doe@acme.com"),
    ("'CEO@ACME.COM'", "x93@gmail.com", "ceo@acme.com"),
    ("John ＜ceo＠acme.com＞", "x@y.com", "ceo@acme.com"),  # full-width @
    ("x93@gmail.com", "X93@gmail.com", None),  # the same address
    ("John Doe", "john@acme.com", None),
    ("Support @ Acme", "support@acme.com", None),  # an @ but no address
    ("", "a@b.com", None),
])
def test_address_in_display_name(display: str, address: str, expected: str | None) -> None:
    assert address_in_display_name(display, address) == expected


# --------------------------------------------------------------------------- looks like person


@pytest.mark.parametrize("name", [
    "Jane Doe", "DOE, Jane", "Dr. Jane Doe", "J. Smith", "José García Márquez",
    "Иван Петров", "Van Do", "Jane Doe <jane@acme.com>",
])
def test_looks_like_person(name: str) -> None:
    assert looks_like_person(name)


@pytest.mark.parametrize("name", [
    "Jane",  # one word
    "noreply", "No Reply", "Do Not Reply", "IT Support", "PayPal Service",
    "Microsoft Account Team", "Acme GmbH", "Your Bank", "Jane Doe via LinkedIn",
    "user123", "Order 4411 Shipped", "jane@acme.com", "",
    "The Quick Brown Fox Jumps Over",  # six words: a sentence, not a name
])
def test_does_not_look_like_person(name: str) -> None:
    assert not looks_like_person(name)


@pytest.mark.parametrize("unit", ["N", "(", "a@", "a.", "Ⅻ"])
def test_only_the_first_characters_of_a_long_display_name_are_read(unit: str) -> None:
    # A crafted 100,000-character name took 75 s (a pattern rescanned the rest of it from
    # each character); a name is read to MAX_NAME_CHARS.
    from detectors.names import MAX_NAME_CHARS

    name = unit * 100_000
    head = name[:MAX_NAME_CHARS]
    assert normalise_person_name(name) == normalise_person_name(head)
    assert name_key(name) == name_key(head)
    assert looks_like_person(name) == looks_like_person(head)
