"""Standardisation for matching: each rule the matcher relies on."""

from __future__ import annotations

import pytest

from mdm_hub.matching import standardise as s


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ünïcode   Straße!! ", "unicode strasse"),
        ("\uff21\uff23\uff2d\uff25", "acme"),  # NFKC folds full-width letters
        ("O'Brien-Smith", "o brien smith"),
        ("", ""),
    ],
)
def test_text(raw: str, expected: str) -> None:
    assert s.text(raw) == expected


def test_person_name_drops_inner_spaces() -> None:
    assert s.person_name("Mc Donald") == s.person_name("McDonald") == "mcdonald"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme Inc", "acme"),
        ("ACME, Incorporated", "acme"),
        ("The Acme Corporation", "acme"),
        ("Acme Intl. Holdings Ltd", "acme international holdings"),
        ("Johnson & Johnson", "johnson and johnson"),
        ("Ernst and Young LLP", "ernst and young"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Siemens Aktiengesellschaft", "siemens"),
        ("Co-operative Bank plc", "co operative bank"),
        ("Litware Partners GmH", "litware partners"),  # a mistyped legal form is one
        ("Blue Logistics Lmiited", "blue logistics"),
        ("Acme Core", "acme core"),  # "Core" is one edit from "Corp" and still a name
    ],
)
def test_company_name(raw: str, expected: str) -> None:
    assert s.company_name(raw) == expected


def test_email_is_trimmed_and_lower_cased() -> None:
    assert s.email("  Ann.Lee@Firm.COM ") == "ann.lee@firm.com"


def test_phone_is_e164_with_the_record_country_as_default_region() -> None:
    assert s.phone("030 1234567", "DE") == "+49301234567"
    assert s.phone("+49 30 1234567", None) == "+49301234567"
    assert s.phone("(212) 555-0100", "US") == "+12125550100"
    assert s.phone("not a phone", "DE") == ""


def test_tax_id_formatting_and_country_prefix() -> None:
    assert s.tax_id("DE 136.695-976", "DE") == s.tax_id("136695976", "DE") == "136695976"
    assert s.tax_id("12-3456789", "US") == "123456789"
    # A prefix naming another country is kept: it is a different registration.
    assert s.tax_id("FR12345678901", "DE") == "FR12345678901"


def test_tax_id_is_validated_where_python_stdnum_knows_the_scheme() -> None:
    assert s.tax_id_is_valid("DE136695976", "DE") is True
    assert s.tax_id_is_valid("DE136695977", "DE") is False
    assert s.tax_id_is_valid("12345", None) is None


@pytest.mark.parametrize("raw", ["USA", "United States", "U.S.", "us", "United States of America"])
def test_country_spellings_of_the_united_states(raw: str) -> None:
    assert s.country(raw) == "US"


def test_other_countries_and_unknowns() -> None:
    assert s.country("uk") == "GB"
    assert s.country("Deutschland") == "DE"
    assert s.country("Germany") == "DE"
    assert s.country("Narnia") == ""


def test_dates_become_iso_or_nothing() -> None:
    assert s.iso_date("19560409") == "1956-04-09"
    assert s.iso_date("1956-04-09") == "1956-04-09"
    assert s.iso_date("19560231") == ""  # FEBRL's impossible dates
    assert s.iso_date("April 1956") == ""


def test_codes_postcodes_and_web_domains() -> None:
    assert s.code(" p-100 / a ") == "P100A"
    assert s.postcode("sw1a 1aa") == "SW1A1AA"
    assert s.web_domain("https://www.Acme.com/about") == "acme.com"
    assert s.web_domain("acme.com:8080") == "acme.com"


def test_nicknames_map_to_the_same_given_name() -> None:
    assert s.same_given_name("bob", "robert")
    assert s.same_given_name("robert", "bob")
    assert s.same_given_name("liz", "elizabeth")
    assert not s.same_given_name("william", "robert")  # both "bill"-ish, not each other
    assert not s.same_given_name("ann", "john")


@pytest.mark.parametrize(
    ("raw", "country", "valid"),
    [
        ("NL004495445B01", None, True),  # the ID's own prefix names its scheme
        ("nl 0044.95.445.B01", "DE", True),  # ... even on a record from another country
        ("NL004495446B01", None, False),  # one digit keyed wrong
        ("136695976", "DE", True),  # no prefix: the record's country decides
        ("FR 40 303 265 045", None, True),
    ],
)
def test_tax_id_check_uses_the_ids_own_country_prefix(
    raw: str, country: str | None, valid: bool
) -> None:
    assert s.tax_id_is_valid(raw, country) is valid
