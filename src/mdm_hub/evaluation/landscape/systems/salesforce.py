"""Salesforce (CRM): every client account as sales typed it, the holding as ParentId, accounts
entered twice (some merged since: IsDeleted with a MasterRecordId), former customers, and
prospects that are not customers yet. Export: Data Loader / Data Export CSV of Account (API
field names, every value quoted)."""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import (
    CountryStyle,
    DateStyle,
    country_text,
    date_text,
    tax_id_text,
)
from mdm_hub.evaluation.landscape.places import phone_text
from mdm_hub.evaluation.landscape.spelling import company_name, street
from mdm_hub.evaluation.landscape.systems.common import declared_locale, system_rng, weighted
from mdm_hub.evaluation.landscape.world import Customer, Status, World

SYSTEM = "salesforce"
HEADER = (
    "Id", "IsDeleted", "MasterRecordId", "Name", "Type", "ParentId", "BillingStreet",
    "BillingCity", "BillingState", "BillingPostalCode", "BillingCountry", "Phone", "Website",
    "Industry", "CurrencyIsoCode", "VAT_Number__c", "OwnerId", "CreatedDate",
    "LastModifiedDate",
)  # fmt: skip
# How sales reps write the country (BillingCountry is free text in most orgs).
COUNTRY_STYLES = (
    (CountryStyle.NAME, 35), (CountryStyle.ALPHA2, 25), (CountryStyle.COLLOQUIAL, 20),
    (CountryStyle.LOCAL, 10), (CountryStyle.ALPHA3, 10),
)  # fmt: skip
EXONYMS = {"München": "Munich", "Köln": "Cologne", "Frankfurt am Main": "Frankfurt"}
DUPLICATE = 0.08  # accounts entered a second time
MERGED = 0.5  # of those, already merged into the first (deleted)
CHECKSUM_ALPHABET = string.ascii_uppercase + "012345"
ID_ALPHABET = string.ascii_letters + string.digits


def salesforce_id(rng: random.Random, prefix: str) -> str:
    """An 18-character record ID: key prefix, pod, zeros, a unique part, and the three-letter
    suffix Salesforce computes from which of the first 15 letters are upper case."""
    body = f"{prefix}8d00000{''.join(rng.choice(ID_ALPHABET) for _ in range(5))}"
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, c in enumerate(body[chunk * 5 : chunk * 5 + 5]) if c.isupper())
        suffix += CHECKSUM_ALPHABET[bits]
    return body + suffix


def export(world: World, seed: int) -> list[ExportBuilder]:
    rng = system_rng(seed, SYSTEM)
    accounts = ExportBuilder(
        SYSTEM, "accounts.csv", "salesforce/account", EntityType.CUSTOMER, HEADER, "Id",
        quote_all=True,
    )  # fmt: skip
    owners = [salesforce_id(rng, "005") for _ in range(6)]
    ids: dict[str, str] = {}
    for customer in world.customers:
        account_id = _account(rng, accounts, customer, ids, owners)
        ids[customer.key] = account_id
        if rng.random() < DUPLICATE:
            merged = rng.random() < MERGED
            _account(rng, accounts, customer, ids, owners, master=account_id if merged else None)
    for prospect in world.prospects:
        _account(rng, accounts, prospect, ids, owners, prospect=True)
    return [accounts]


def _account(
    rng: random.Random,
    accounts: ExportBuilder,
    customer: Customer,
    ids: dict[str, str],
    owners: list[str],
    master: str | None = None,
    prospect: bool = False,
) -> str:
    locale = declared_locale(SYSTEM)
    address = customer.address
    name = company_name(rng, customer.name, customer.legal_form, formal=0.4)
    line1 = street(rng, address.street)
    lines = [line1, address.line2] if address.line2 and rng.random() < 0.7 else [line1]
    city = EXONYMS.get(address.city, address.city) if rng.random() < 0.5 else address.city
    region = address.region if address.country == "US" and rng.random() < 0.85 else None
    postal = address.postal_code if rng.random() < 0.9 else None
    phone: str | None = phone_text(customer.phone, rng.choice(("national", "international")))
    phone = phone if rng.random() < 0.7 else None
    website: str | None = rng.choice(("www.", "https://www.", "", "http://")) + customer.website
    website = website if rng.random() < 0.8 else None
    vat_style = rng.choice(("compact", "spaced", "national"))
    vat = tax_id_text(customer.tax_id, vat_style) if rng.random() < 0.45 else None
    parent = ids.get(customer.parent) if customer.parent else None
    created = datetime.combine(customer.created, datetime.min.time()) + timedelta(
        hours=rng.randrange(8, 18), minutes=rng.randrange(60)
    )
    modified = datetime(2024, 1, 2) + timedelta(minutes=rng.randrange(500_000))
    kind = "Prospect" if prospect else "Former Customer" if not customer.active else None
    kind = kind or weighted(rng, (("Customer - Direct", 85), ("Customer - Channel", 15)))
    account_id = salesforce_id(rng, "001")
    row = {
        "Id": account_id,
        "IsDeleted": "true" if master else "false",
        "MasterRecordId": master,
        "Name": name,
        "Type": kind,
        "ParentId": parent,
        "BillingStreet": "\n".join(lines),
        "BillingCity": city,
        "BillingState": region,
        "BillingPostalCode": postal,
        "BillingCountry": country_text(address.country, weighted(rng, COUNTRY_STYLES)),
        "Phone": phone,
        "Website": website,
        "Industry": customer.industry,
        "CurrencyIsoCode": customer.currency,
        "VAT_Number__c": vat,
        "OwnerId": rng.choice(owners),
        "CreatedDate": date_text(created, DateStyle.TIMESTAMP_MS, locale),
        "LastModifiedDate": date_text(modified, DateStyle.TIMESTAMP_MS, locale),
    }
    attributes = {
        "name": name,
        "address_line1": lines[0],
        "address_line2": lines[1] if len(lines) > 1 else None,
        "city": city,
        "region": region,
        "postal_code": postal,
        "country": address.country,
        "phone": phone,
        "website": website,
        "industry": customer.industry,
        "currency": customer.currency,
        "tax_id": vat,
        "status": Status.INACTIVE if kind == "Former Customer" else Status.ACTIVE,
        "parent": reference(SYSTEM, parent),
    }
    key = None if prospect else customer.key
    return accounts.add(row, key, attributes, deleted=master is not None)
