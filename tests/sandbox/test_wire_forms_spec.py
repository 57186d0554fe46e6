"""The spec's `x-wire-forms`: known forms, a source each, and only forms the schemas allow."""

from __future__ import annotations

import pytest

from citcall_contract.spec import load_spec, operations, schema_validator, webhooks
from citcall_contract.spec.rules import evidence_sources
from citcall_contract.spec.wire_forms import ABSENT, field_forms, value_forms

SCHEMAS = sorted(
    {op.response_schema_ref().rsplit("/", 1)[-1] for op in operations().values()}
    | {hook.schema_name for hook in webhooks().values()}
)
COMPONENTS = load_spec()["components"]["schemas"]


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_form_has_a_source_and_evidence(name):
    for forms in field_forms(name).values():
        for form in forms:
            if form.form != "present":
                assert form.source in evidence_sources(), (name, form)
                assert form.evidence, (name, form)


@pytest.mark.parametrize("name", SCHEMAS)
def test_only_optional_fields_may_be_absent(name):
    schema = COMPONENTS[name]
    required = set(schema.get("required", ())) | set(schema.get("then", {}).get("required", ()))
    absent = {
        field for field, forms in field_forms(name).items() if "absent" in {f.form for f in forms}
    }
    assert not absent & required


@pytest.mark.parametrize(
    "component", sorted(n for n, s in COMPONENTS.items() if "x-wire-forms" in s)
)
def testvalue_forms_of_the_example_stay_valid(component):
    example = COMPONENTS[component].get("example")
    for form in value_forms(COMPONENTS[component]):
        value = form.apply(example)
        assert value is not ABSENT
        assert schema_validator(component).is_valid(value), (component, form.form, value)


def test_rc_price_msisdn_forms_are_read_from_the_spec():
    forms = field_forms("SmsResponse")
    assert [f.form for f in forms["rc"]] == ["integer", "digit-string"]
    assert [f.form for f in forms["price"]] == ["digit-string", "integer"]
    assert [f.form for f in forms["msisdn"]] == ["plus", "bare"]
    assert [f.apply(0) for f in forms["rc"]] == [0, "00"]
    assert [f.apply("+6281234567890") for f in forms["msisdn"]] == [
        "+6281234567890",
        "6281234567890",
    ]
