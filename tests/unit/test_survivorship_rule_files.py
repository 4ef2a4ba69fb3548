"""Rule files: the shipped ones load; every kind of mistake is an error naming the file, the
field (the attribute, where there is one) and the problem; the hash follows meaning only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.errors import ConfigurationError, RuleFileError
from mdm_hub.survivorship.loader import load_rule_set, parse_rules
from mdm_hub.survivorship.rules import Strategy
from tests.support.paths import SHIPPED


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped rule files."""
    return Path(shutil.copytree(SHIPPED / "survivorship", tmp_path / "survivorship"))


def customer_error(body: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as raised:
        parse_rules(body, EntityType.CUSTOMER, "survivorship/customer.yaml")
    return raised.value


def problems(error: RuleFileError) -> list[tuple[str, str]]:
    return [(p.field, p.reason) for p in error.problems]


def test_shipped_rule_files_load_for_every_entity_type() -> None:
    rule_set = load_rule_set(SHIPPED / "survivorship")
    assert set(rule_set.by_type) == set(EntityType)
    hashes = {rules.hash for rules in rule_set.by_type.values()}
    assert len(hashes) == len(EntityType)


def test_shipped_rules_follow_the_ownership_model() -> None:
    rule_set = load_rule_set(SHIPPED / "survivorship")
    owners = {
        (EntityType.CUSTOMER, "name"): "CRM",
        (EntityType.CUSTOMER, "tax_id"): "ERP",
        (EntityType.EMPLOYEE, "family_name"): "HRIS",
        (EntityType.PROJECT, "end_date"): "PSA",
        (EntityType.RATE_CARD, "rate"): "PSA",
        (EntityType.ACCOUNTING_DIMENSION, "code"): "ERP",
    }
    for (entity_type, attribute), owner in owners.items():
        rule = rule_set.for_type(entity_type).rule_for(attribute)
        assert rule.strategy is Strategy.SOURCE_PRIORITY
        assert rule.systems is not None
        assert rule.systems[0] == owner, (entity_type, attribute)
    trusted_most = {
        EntityType.CUSTOMER: "CRM",
        EntityType.EMPLOYEE: "HRIS",
        EntityType.PROJECT: "PSA",
        EntityType.RATE_CARD: "PSA",
        EntityType.ACCOUNTING_DIMENSION: "ERP",
    }
    for entity_type, owner in trusted_most.items():
        trust = rule_set.for_type(entity_type).file.trust
        assert trust[0] == owner
        # Payroll and expense systems are lower-trust sources: last, except that payroll's
        # legal copy of HR data ranks right after HRIS for employees.
        low = {s for s in ("PAYROLL", "EXPENSE") if s in trust}
        if entity_type is EntityType.EMPLOYEE:
            assert trust.index("PAYROLL") == 1
            low.discard("PAYROLL")
        assert set(trust[len(trust) - len(low) :]) == low, entity_type


def test_the_error_names_the_file_the_attribute_and_the_problem() -> None:
    error = customer_error("entity_type: CUSTOMER\nattributes:\n  name: {strategy: longst}\n")
    message = str(error)
    assert "survivorship/customer.yaml" in message
    assert "attributes.name.strategy" in message
    assert "'source_priority'" in message  # the allowed strategies are listed
    assert isinstance(error, ConfigurationError)


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ("attributes:\n  websit: {strategy: longest}\n", "attributes.websit", "not a CUSTOMER"),
        (
            "attributes:\n  name: {strategy: source_priority}\n",
            "attributes.name",
            "needs `systems`",
        ),
        (
            "attributes:\n  name: {strategy: source_priority, systems: []}\n",
            "attributes.name.systems",
            "at least 1 item",
        ),
        (
            "attributes:\n  name: {strategy: most_recent, systems: [CRM]}\n",
            "attributes.name",
            "`systems` applies to source_priority only",
        ),
        (
            "attributes:\n  name: {strategy: longest, only_listed: true}\n",
            "attributes.name",
            "`only_listed` applies to source_priority only",
        ),
        (
            "attributes:\n  name: {strategy: source_priority, systems: [CRM, ERP, CRM]}\n",
            "attributes.name.systems",
            "lists CRM more than once",
        ),
        (
            "attributes:\n  name: {strategy: source_priority, systems: [STEWARD]}\n",
            "attributes.name.systems",
            "not a source system",
        ),
        (
            "attributes:\n  name: {strategy: source_priority, systems: ['C R M']}\n",
            "attributes.name.systems.0",
            "should match pattern",
        ),
        (
            "attributes:\n  name: {strategy: most_recent, tie_breaker: [trust]}\n",
            "attributes.name.tie_breaker",
            "unknown setting",
        ),
        (
            "attributes:\n  name: {strategy: most_recent, tie_breakers: [newest]}\n",
            "attributes.name.tie_breakers.0",
            "'trust', 'most_recent' or 'earliest'",
        ),
        ("attributes:\n  parent: {strategy: longest}\n", "attributes.parent.strategy", "reference"),
        ("attributes:\n  name: {strategy: max}\n", "attributes.name.strategy", "date or number"),
        ("attributes:\n  name: most_recent\n", "attributes.name", "valid dictionary"),
        ("tie_breakers: [trust, trust]\n", "tie_breakers", "more than once"),
        ("trust: [CRM, ERP, CRM]\n", "trust", "lists CRM more than once"),
        ("default: {strategy: union}\n", "default.strategy", "union makes a list"),
        ("default: {strategy: min}\n", "default.strategy", "give 'name' a rule of its own"),
        ("colour: blue\n", "colour", "unknown setting"),
    ],
)
def test_each_kind_of_mistake_is_named(body: str, field: str, reason: str) -> None:
    found = problems(customer_error("entity_type: CUSTOMER\n" + body))
    assert any(f == field and reason in r for f, r in found), found


def test_entity_type_must_be_known_and_match_the_file_name() -> None:
    assert problems(customer_error("entity_type: SUPPLIER\n"))[0][0] == "entity_type"
    [(field, reason)] = problems(customer_error("entity_type: PROJECT\n"))
    assert field == "entity_type"
    assert "file is named for CUSTOMER" in reason
    assert problems(customer_error("attributes: {}\n")) == [("entity_type", "Field required")]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("entity_type: CUSTOMER\nattributes: [name\n", "not valid YAML at line 3, column 1"),
        ("entity_type: CUSTOMER\n\tattributes: {}\n", "not valid YAML"),
        ("", "must be a mapping"),
        ("- entity_type: CUSTOMER\n", "must be a mapping"),
        ("entity_type: CUSTOMER\nentity_type: CUSTOMER\n", "'entity_type' is given twice"),
        (
            "entity_type: CUSTOMER\nattributes:\n  name: {strategy: longest}\n"
            "  name: {strategy: most_recent}\n",
            "line 4, column 3: key 'name' is given twice",
        ),
        ("entity_type: !!python/object:os.system CUSTOMER\n", "not valid YAML"),
    ],
)
def test_files_that_are_not_plain_yaml_mappings_are_refused(body: str, reason: str) -> None:
    [(field, found)] = problems(customer_error(body))
    assert field == ""
    assert reason in found


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    body = (
        "entity_type: CUSTOMER\nattributes:\n"
        "  websit: {strategy: longest}\n  parent: {strategy: max}\n  city: {strategy: longest}\n"
    )
    assert [field for field, _ in problems(customer_error(body))] == [
        "attributes.websit",
        "attributes.parent.strategy",
    ]


def test_a_missing_rule_file_stops_the_load(rules_dir: Path) -> None:
    (rules_dir / "rate_card.yaml").unlink()
    with pytest.raises(RuleFileError, match=r"rate_card\.yaml:\n  missing"):
        load_rule_set(rules_dir)


@pytest.mark.parametrize("name", ["custmer.yaml", "customer.yml"])
def test_a_stray_rule_file_stops_the_load(rules_dir: Path, name: str) -> None:
    (rules_dir / name).write_text("entity_type: CUSTOMER\n")
    with pytest.raises(RuleFileError, match=rf"{name}:\n  no entity type has this file name"):
        load_rule_set(rules_dir)


def test_a_missing_directory_stops_the_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="MDM_SURVIVORSHIP_DIR"):
        load_rule_set(tmp_path / "nowhere")


def test_a_bad_file_among_good_ones_stops_the_load(rules_dir: Path) -> None:
    path = rules_dir / "employee.yaml"
    path.write_text(path.read_text().replace("strategy: most_recent", "strategy: newest"))
    with pytest.raises(RuleFileError) as raised:
        load_rule_set(rules_dir)
    assert raised.value.path == str(path)
    assert problems(raised.value)[0][0] == "attributes.phone.strategy"


def test_hash_ignores_comments_layout_and_spelled_out_defaults() -> None:
    plain = parse_rules("entity_type: CUSTOMER\n", EntityType.CUSTOMER, "a")
    spelled_out = parse_rules(
        "# comment\nentity_type: CUSTOMER\ntrust: []\ntie_breakers: [trust, most_recent]\n"
        "default:\n  strategy: most_recent\nattributes: {}\n",
        EntityType.CUSTOMER,
        "b",
    )
    assert plain.hash == spelled_out.hash


def test_hash_changes_with_any_rule() -> None:
    base = "entity_type: CUSTOMER\n"
    variants = [
        base,
        base + "trust: [CRM]\n",
        base + "trust: [ERP, CRM]\n",
        base + "trust: [CRM, ERP]\n",
        base + "tie_breakers: [most_recent]\n",
        base + "attributes:\n  name: {strategy: longest}\n",
        base + "attributes:\n  name: {strategy: source_priority, systems: [CRM]}\n",
        base
        + "attributes:\n  name: {strategy: source_priority, systems: [CRM], only_listed: true}\n",
    ]
    hashes = {parse_rules(text, EntityType.CUSTOMER, "x").hash for text in variants}
    assert len(hashes) == len(variants)
