"""The sandbox's rules (`x-sandbox-rules`): each has a source and an rc, and relaxing it works."""

from __future__ import annotations

import pytest

from citcall_contract.sandbox import SandboxConfig
from citcall_contract.sandbox.relaxation import unimplemented
from citcall_contract.spec import component_schema
from citcall_contract.spec.codes import is_success, parse_rc, rc_named, response_codes
from citcall_contract.spec.rules import (
    check_relaxed,
    evidence_sources,
    relaxable_rules,
    sandbox_rules,
)

from .sandbox_support import VALID_BODIES

RULES = sandbox_rules()
WITH_EXAMPLE = [rule for rule in RULES.values() if rule.example is not None]
PHONE = "6281234567890"


def test_every_rule_names_a_source_and_a_documented_rc():
    assert set(evidence_sources()) == {"seed", "official-sdk", "integrator", "assumption"}
    for rule in RULES.values():
        assert rule.source in evidence_sources(), rule.name
        assert rule.evidence, rule.name
        assert rule.summary, rule.name
        assert rule.relaxed, rule.name
        assert rule.rc is None or rule.rc in response_codes(), rule.name
    assert {"otp-words", "verify-needs-valid-time", "token-length"} <= set(relaxable_rules())


def test_schema_rules_relax_keywords_their_component_has():
    for rule in RULES.values():
        if rule.schema is not None:
            assert set(rule.relaxed_keywords) <= set(component_schema(rule.schema)), rule.name


def test_every_relaxable_rule_is_implemented_and_every_example_breaks_one():
    assert unimplemented() == []
    assert {rule.name for rule in WITH_EXAMPLE} == {
        rule.name for rule in RULES.values() if rule.relaxable and rule.schema is not None
    } | {"otp-words", "msisdn-national-digits"}


@pytest.mark.parametrize("rule", WITH_EXAMPLE, ids=lambda rule: rule.name)
async def test_the_example_breaks_the_rule_unless_it_is_relaxed(make_sandbox, rule):
    operation_id, fields = rule.example
    body = {**VALID_BODIES[operation_id], **fields}
    async with make_sandbox() as sandbox:
        enforced = await sandbox.call(operation_id, body)
    async with make_sandbox(relax=[rule.name]) as sandbox:
        relaxed = await sandbox.call(operation_id, body)
    assert parse_rc(enforced["rc"]) == rule.rc
    assert parse_rc(relaxed["rc"]) != rule.rc, relaxed


async def test_relaxed_otp_words_lets_a_promo_text_through_sms(make_sandbox):
    promo = {**VALID_BODIES["sendSms"], "text": "Gunakan kode DISKON10"}
    async with make_sandbox() as sandbox:
        refused = await sandbox.call("sendSms", promo)
    async with make_sandbox(relax="otp-words") as sandbox:
        sent = await sandbox.call("sendSms", promo)
    assert refused["rc"] == rc_named("INVALID_SMS_CONTENT")
    assert is_success(sent["rc"])
    assert sent["text"] == promo["text"]


async def _miscall(sandbox, **extra):
    sent = await sandbox.call("asyncMiscall", {"msisdn": PHONE, "gateway": 0, **extra})
    return sent["trxid"], sent["token"][-4:]


async def _verify(sandbox, trxid, code, msisdn=PHONE):
    return await sandbox.call("verifyOtp", {"msisdn": msisdn, "trxid": trxid, "token": code})


async def test_without_valid_time_no_code_is_kept(make_sandbox):
    async with make_sandbox() as sandbox:
        trxid, otp = await _miscall(sandbox)
        refused = await _verify(sandbox, trxid, otp)
    async with make_sandbox(relax=["verify-needs-valid-time"]) as sandbox:
        trxid, otp = await _miscall(sandbox)
        relaxed = await _verify(sandbox, trxid, otp)
    assert refused["rc"] == rc_named("DATA_NOT_FOUND")
    assert "valid_time" in refused["info"]
    assert is_success(relaxed["rc"])


async def test_relaxed_expiry_and_grace(make_sandbox, clock):
    async with make_sandbox(relax=["verify-expiry"], expired_grace=10) as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=30)
        clock.advance(1000)
        late = await _verify(sandbox, trxid, otp)
    async with make_sandbox(relax=["expired-grace"], expired_grace=10) as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=30)
        clock.advance(1000)
        expired = await _verify(sandbox, trxid, otp)
    assert is_success(late["rc"])
    assert expired["rc"] == rc_named("EXPIRED_TOKEN")  # not forgotten (78) after the grace


async def test_relaxed_limit_try_once_and_msisdn_match(make_sandbox):
    async with make_sandbox(relax=["verify-limit-try", "verify-once", "verify-msisdn-match"]) as sb:
        trxid, otp = await _miscall(sb, valid_time=60, limit_try=1)
        wrong = await _verify(sb, trxid, f"{(int(otp) + 1) % 10000:04d}")
        right = await _verify(sb, trxid, otp)  # past limit_try
        again = await _verify(sb, trxid, otp, msisdn="6289876543210")  # verified, other number
    assert wrong["rc"] == rc_named("INVALID_TOKEN")
    assert is_success(right["rc"])
    assert is_success(again["rc"])


async def test_relaxed_valid_time_minimum_keeps_a_code_that_expires_at_once(make_sandbox):
    async with make_sandbox(relax=["valid-time-minimum"]) as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=0)
        answer = await _verify(sandbox, trxid, otp)
    assert answer["rc"] == rc_named("EXPIRED_TOKEN")


@pytest.mark.parametrize("name", ["bogus", "senderid-length", "Otp-Words"])
def test_an_unknown_or_unrelaxable_rule_is_refused_naming_the_valid_ones(name):
    with pytest.raises(ValueError, match="rules that can be relaxed: otp-words") as refused:
        SandboxConfig(relax=[name])
    assert repr(name) in str(refused.value)
    assert "\n" not in str(refused.value)


def test_relax_takes_a_name_or_names():
    assert SandboxConfig(relax="otp-words").relax == frozenset({"otp-words"})
    assert check_relaxed(["otp-words", "verify-once"]) == {"otp-words", "verify-once"}
    assert SandboxConfig().relax == frozenset()
