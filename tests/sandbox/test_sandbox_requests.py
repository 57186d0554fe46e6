"""Auth, method, JSON and schema checks, in the order the gateway applies them."""

from __future__ import annotations

import base64

import pytest

from citcall_contract.spec import operation, operations
from citcall_contract.spec.codes import rc_named, response_codes
from citcall_contract.spec.scenarios import validation_rules

from .sandbox_support import API_KEY, AUTH, VALID_BODIES

OPERATION_IDS = sorted(operations())


def basic(userid: str, key: str, prefix: bool = True) -> dict[str, str]:
    token = base64.b64encode(f"{userid}:{key}".encode()).decode()
    return {"Authorization": f"Basic {token}" if prefix else token}


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
async def test_every_operation_succeeds_at_every_base_path(make_sandbox, operation_id):
    async with make_sandbox() as sandbox:
        for base in ("", "/gateway/v3", "/v3"):
            path = base + operation(operation_id).path
            body = VALID_BODIES[operation_id]
            if operation_id == "verifyOtp":  # needs an OTP first
                otp_request = {**VALID_BODIES["sendSmsOtp"], "valid_time": 60}
                sent = await sandbox.call("sendSmsOtp", otp_request)
                body = {**body, "trxid": sent["trxid"], "token": "4821"}
            response = await sandbox.client.post(path, json=body, headers=AUTH)
            assert response.status_code == 200
            data = response.json()
            assert str(data["rc"]).strip("0") == "", data
            assert not list(operation(operation_id).response_validator().iter_errors(data))


@pytest.mark.parametrize(
    ("headers", "name"),
    [
        ({}, "AUTHORIZATION_FAILED"),
        ({"Authorization": ""}, "AUTHORIZATION_FAILED"),
        ({"Authorization": "Apikey"}, "AUTHORIZATION_FAILED"),
        ({"Authorization": "Bearer test-key"}, "AUTHORIZATION_FAILED"),
        ({"Authorization": "Basic not-base64!"}, "AUTHORIZATION_FAILED"),
        ({"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}, None),
        ({"Authorization": "Apikey wrong-key"}, "APIKEY_NOT_FOUND"),
        ({"Authorization": f"apikey {API_KEY}"}, "SUCCESS"),
    ],
)
async def test_apikey_and_malformed_headers(make_sandbox, headers, name):
    async with make_sandbox() as sandbox:
        data = await sandbox.call("sendSms", headers=headers or {"X-None": "1"})
    expected = rc_named(name or "AUTHORIZATION_FAILED")
    assert data["rc"] == expected
    assert API_KEY not in data.get("info", "")


@pytest.mark.parametrize(
    ("headers", "name"),
    [
        (basic("citcall", API_KEY), "SUCCESS"),
        (basic("citcall", API_KEY, prefix=False), "SUCCESS"),  # older clients
        (basic("someone", API_KEY), "USERID_NOT_FOUND"),
        (basic("citcall", "wrong"), "WRONG_PASSWORD"),
    ],
)
async def test_basic_auth(make_sandbox, headers, name):
    async with make_sandbox(userid="citcall") as sandbox:
        data = await sandbox.call("asyncMiscall", headers=headers)
    assert data["rc"] == rc_named(name)


async def test_basic_auth_without_configured_userid_checks_only_the_key(make_sandbox):
    async with make_sandbox() as sandbox:
        ok = await sandbox.call("sendSms", headers=basic("anyone", API_KEY))
        bad = await sandbox.call("sendSms", headers=basic("anyone", "nope"))
    assert ok["rc"] == rc_named("SUCCESS")
    assert bad["rc"] == rc_named("WRONG_PASSWORD")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_wrong_method_is_rc_99_with_http_200(make_sandbox, method):
    async with make_sandbox() as sandbox:
        response = await sandbox.client.request(method, "/v3/sms", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["rc"] == rc_named("WRONG_METHOD")
    assert not list(operation("sendSms").response_validator().iter_errors(response.json()))


async def test_method_is_checked_before_auth(make_sandbox):
    async with make_sandbox() as sandbox:
        response = await sandbox.client.get("/sms")
    assert response.json()["rc"] == rc_named("WRONG_METHOD")


@pytest.mark.parametrize(
    "raw",
    [b"{", b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe{}", b"NaN", b"[" * 100_000],
)
async def test_malformed_json_is_rc_97(make_sandbox, raw):
    async with make_sandbox() as sandbox:
        response = await sandbox.client.post("/sms", content=raw, headers=AUTH)
    assert response.status_code == 200
    assert response.json()["rc"] == rc_named("INVALID_JSON_FORMAT")


async def test_auth_is_checked_before_json(make_sandbox):
    async with make_sandbox() as sandbox:
        response = await sandbox.client.post("/sms", content=b"{")
    assert response.json()["rc"] == rc_named("AUTHORIZATION_FAILED")


async def test_oversized_body_is_refused_without_reading_it_all(make_sandbox):
    async with make_sandbox(max_body_bytes=1024) as sandbox:
        big = {**VALID_BODIES["sendSms"], "text": "a" * 5000}
        data = await sandbox.call("sendSms", big)
    assert data["rc"] == rc_named("INVALID_JSON_FORMAT")


def _without(operation_id: str, field: str) -> dict[str, object]:
    return {k: v for k, v in VALID_BODIES[operation_id].items() if k != field}


@pytest.mark.parametrize(
    ("operation_id", "body", "name_or_rule", "field"),
    [
        ("sendSms", _without("sendSms", "msisdn"), "missing", "msisdn"),
        ("sendSms", _without("sendSms", "text"), "missing", "text"),
        ("asyncMiscall", {"msisdn": "6281234567890"}, "missing", "retry"),
        ("verifyOtp", _without("verifyOtp", "trxid"), "missing", "trxid"),
        ("sendSms", {**VALID_BODIES["sendSms"], "msisdn": "0812"}, "msisdn", "msisdn"),
        ("asyncMiscall", {"msisdn": "62-812", "gateway": 9}, "msisdn", "msisdn"),
        # Allowed by the pattern, too long for x-national-digits' Indonesian bounds:
        ("motp", {"msisdn": "62812345678901234", "retry": 0}, "msisdn", "msisdn"),
        ("asyncMiscall", {"msisdn": "6281234567890", "gateway": 5}, "gateway", "gateway"),
        ("motp", {"msisdn": "6281234567890", "retry": "x"}, "retry", "retry"),
        ("asyncMiscall", {"msisdn": "6281234567890", "gateway": 1, "retry": 1}, "retry", "retry"),
        ("sendSms", {**VALID_BODIES["sendSms"], "text": ""}, "text", "text"),
        ("sendSmsOtp", {**VALID_BODIES["sendSmsOtp"], "text": 5}, "text", "text"),
        ("sendSms", {**VALID_BODIES["sendSms"], "senderid": "x" * 17}, "other", "senderid"),
        ("sendSmsOtp", {**VALID_BODIES["sendSmsOtp"], "token": "12"}, "other", "token"),
        (
            "sendSms",
            {**VALID_BODIES["sendSms"], "callback_url": "ftp://x"},
            "other",
            "callback_url",
        ),
        ("asyncMiscall", {"gateway": 0, "valid_time": 0}, "missing", "msisdn"),
    ],
)
async def test_schema_failures_map_to_the_spec_rc(
    make_sandbox, operation_id, body, name_or_rule, field
):
    rules = validation_rules()
    expected = {
        "missing": rules.missing_field_rc,
        "other": rules.other_invalid_rc,
    }.get(name_or_rule) or rules.field_rcs[name_or_rule]
    async with make_sandbox() as sandbox:
        data = await sandbox.call(operation_id, body)
    assert data["rc"] == expected
    assert field in data["info"]


@pytest.mark.parametrize(
    "text", ["Your OTP is 1234", "kode: 1234", "KATA  SANDI baru", "password reset", "the code"]
)
async def test_otp_like_text_on_sms_is_rc_43_but_fine_on_smsotp(make_sandbox, text):
    async with make_sandbox() as sandbox:
        refused = await sandbox.call("sendSms", {**VALID_BODIES["sendSms"], "text": text})
        accepted = await sandbox.call("sendSmsOtp", {**VALID_BODIES["sendSmsOtp"], "text": text})
    assert refused["rc"] == rc_named("INVALID_SMS_CONTENT")
    assert accepted["rc"] == rc_named("SUCCESS")


@pytest.mark.parametrize("text", ["barcode ready", "decode this", "passwords"])
async def test_otp_words_match_whole_words_only(make_sandbox, text):
    async with make_sandbox() as sandbox:
        data = await sandbox.call("sendSms", {**VALID_BODIES["sendSms"], "text": text})
    assert data["rc"] == rc_named("SUCCESS")


@pytest.mark.parametrize("msisdn", ["0812345678", "+6281234567890", "12345678901234567"])
async def test_msisdn_forms_and_other_countries_are_accepted(make_sandbox, msisdn):
    async with make_sandbox() as sandbox:
        data = await sandbox.call("asyncMiscall", {"msisdn": msisdn, "gateway": "4"})
    assert data["rc"] == rc_named("SUCCESS")
    assert data["gateway"] == 4


async def test_missing_field_wins_over_invalid_msisdn(make_sandbox):
    async with make_sandbox() as sandbox:
        data = await sandbox.call("sendSms", {"msisdn": "12", "senderid": "citcall"})
    assert data["rc"] == validation_rules().missing_field_rc


async def test_unknown_path_is_404_with_a_json_rc(make_sandbox):
    async with make_sandbox() as sandbox:
        response = await sandbox.client.post("/v3/nothing", json={}, headers=AUTH)
    assert response.status_code == 404
    assert response.json()["rc"] in response_codes()
