"""The spec's rc and dial-code tables answer the seed's tables exactly."""

from __future__ import annotations

import re
from typing import Any

import pytest

from citcall_contract import spec
from citcall_contract.spec import codes

from .spec_support import SEED_PAGE

SCHEMAS = spec.load_spec()["components"]["schemas"]
CATEGORIES = {
    "success",
    "unknown",
    "invalid_request",
    "balance",
    "unavailable",
    "auth",
    "verification",
}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_every_seed_rc_is_in_the_spec_and_nothing_else(seed_tables: dict[str, Any]) -> None:
    seed_codes = [int(rc) for rc in seed_tables["response_codes"]]
    assert SCHEMAS["ResponseCode"]["enum"] == seed_codes


@pytest.mark.parametrize("name", ["ResponseCode", "DialCode"])
def test_enum_extensions_run_parallel_to_the_enum(name: str) -> None:
    schema = SCHEMAS[name]
    size = len(schema["enum"])
    for key in ("x-enum-varnames", "x-enum-descriptions"):
        assert len(schema[key]) == size, key
        assert all(isinstance(v, str) and v.strip() for v in schema[key]), key
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", n) for n in schema["x-enum-varnames"])
    assert len(set(schema["x-enum-varnames"])) == size


def test_every_rc_has_a_clean_description_matching_the_seed(seed_tables: dict[str, Any]) -> None:
    """Descriptions fix the seed's typos but keep its meaning (shared key words)."""
    typo_fixes = {
        "procesed": "processed",
        "invailid": "invalid",
        "insuficient": "insufficient",
        "unavialable": "unavailable",
        "maintanance": "maintenance",
        "authorazation": "authorization",
        "apikey": "api",
        "userid": "user",
        "senderid": "sender",
        "msisdn": "msisdn",
        "non": "inactive",
        "paramet": "",
    }
    for rc, seed_text in seed_tables["response_codes"].items():
        info = codes.describe_rc(int(rc))
        assert info.known
        assert info.description.endswith(".")
        seed_words = {typo_fixes.get(w, w) for w in words(seed_text)} - {"", "or", "in", "d"}
        assert seed_words & words(info.description), (rc, seed_text, info.description)


def test_rc_categories_are_known_and_parallel() -> None:
    schema = SCHEMAS["ResponseCode"]
    assert len(schema["x-enum-categories"]) == len(schema["enum"])
    assert set(schema["x-enum-categories"]) <= CATEGORIES
    assert codes.describe_rc(0).category == "success"
    assert codes.retryable_rcs() == {34, 66}
    assert {rc for rc, i in codes.response_codes().items() if i.category == "verification"} == {
        78,
        79,
        80,
        81,
    }


def test_rc_markdown_table_matches_the_enum() -> None:
    description = SCHEMAS["ResponseCode"]["description"]
    rows = re.findall(r"^\| (\d+) \| ([A-Z_]+) \| (.+?) \|$", description, re.M)
    expected = [(str(i.rc), i.name, i.description) for i in codes.response_codes().values()]
    assert rows == expected


def test_every_seed_dial_code_is_in_the_spec(seed_tables: dict[str, Any]) -> None:
    seed_codes = [int(code) for code in seed_tables["dial_codes"]]
    assert len(seed_codes) == 71
    assert SCHEMAS["DialCode"]["enum"] == seed_codes


def test_dial_code_descriptions_match_the_seed(seed_tables: dict[str, Any]) -> None:
    typo_fixes = {
        "progres": "progress",
        "forbiden": "forbidden",
        "successfull": "successful",
        "indentity": "identity",
        "refferer": "referrer",
        "exits": "exist",
        "hoops": "hops",
        "dialogue": "dialog",
        "choice": "choices",
        "to": "too",
    }
    for code, seed_text in seed_tables["dial_codes"].items():
        info = codes.describe_dial_code(int(code))
        seed_words = {typo_fixes.get(w, w) for w in words(seed_text)}
        assert seed_words <= words(info.description), (code, seed_text, info.description)


def test_dial_code_classes_match_the_seed(seed_tables: dict[str, Any]) -> None:
    classes = {row["class"]: row["name"] for row in SCHEMAS["DialCode"]["x-dial-code-classes"]}
    seed = {
        k.lower(): v.lower().replace("successfull", "successful")
        for k, v in seed_tables["dial_code_classes"].items()
    }
    assert {k: v.lower() for k, v in classes.items()} == seed


def test_delivered_rule_is_180_183_and_2xx(seed_tables: dict[str, Any]) -> None:
    delivered = {int(c) for c in seed_tables["dial_codes"] if codes.is_delivered(int(c))}
    assert delivered == {180, 183, 200, 201, 204}
    # The rule is by class: an unknown 2xx code is delivered, other unknown codes are not.
    assert codes.is_delivered("202")
    assert codes.is_delivered(299)
    assert not codes.is_delivered(181)
    assert not codes.is_delivered("486")
    assert not codes.is_delivered("abc")
    assert not codes.describe_dial_code(299).known


@pytest.mark.skipif(not SEED_PAGE.is_file(), reason="shared/seed is not beside this checkout")
def test_committed_seed_tables_equal_the_providers_page(seed_tables: dict[str, Any]) -> None:
    """The test data is the seed's own tables, re-read from the page where it is available."""
    page = SEED_PAGE.read_text(encoding="utf-8")
    rc_section = page[page.index("Response Code Description") : page.index("Appendix")]
    rcs = dict(re.findall(r"^(\d{1,2})(\D.*)$", rc_section, re.M))
    assert {k: v.strip() for k, v in rcs.items()} == seed_tables["response_codes"]
    dial_section = page[page.index("Table of dial code") : page.index("UI/UX Guideline")]
    dials = dict(re.findall(r"^(\d{3})(\D.*)$", dial_section, re.M))
    assert {k: v.strip() for k, v in dials.items()} == seed_tables["dial_codes"]
