"""The `citcall_mock` fixture: every server URL, canned answers, request checks, records."""

from __future__ import annotations

import httpx
import pytest

from citcall_contract import spec

pytest_plugins = ["pytester"]

VALID_SMS = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hello"}
AUTH = {"Authorization": "Apikey test-key"}
#: Preamble of the inner test files: the spec's own gateway address, never typed out here.
INNER = (
    "import httpx, pytest\n"
    "from citcall_contract import spec\n"
    "BASE = spec.default_base_url()\n"
    "AUTH = {'Authorization': 'Apikey k'}\n"
)


@pytest.fixture(autouse=True)
def _quiet_inner_runs(request):
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester").makeini(
            "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        )


def _post(url: str, body: object) -> httpx.Response:
    with httpx.Client() as client:
        return client.post(url, json=body, headers=AUTH)


@pytest.mark.parametrize("base_url", spec.servers())
def test_every_operation_is_answered_by_the_sandbox_on_every_server(citcall_mock, base_url):
    for operation in spec.operations().values():
        body = next(iter(operation.request_examples().values()))
        if operation.operation_id == "verifyOtp":
            continue  # needs a trxid the sandbox issued: see the OTP flow tests
        response = _post(base_url + operation.path, body)
        assert response.status_code == 200
        answer = response.json()
        assert answer["rc"] in (0, "00"), answer
        assert list(operation.response_validator().iter_errors(answer)) == []
        # The sandbox's own answer, not the spec's canned example.
        assert answer["trxid"] != operation.response_examples()["success"]["trxid"]


@pytest.mark.parametrize(
    ("name", "operation_id"), [("sms", "sendSms"), ("/verify", "verifyOtp"), ("motp", "motp")]
)
def test_respond_picks_a_named_example_by_path_or_operation_id(citcall_mock, name, operation_id):
    operation = spec.operation(operation_id)
    example = next(name for name in operation.response_examples() if name != "success")
    citcall_mock.respond(name, example)
    body = next(iter(operation.request_examples().values()))
    response = _post(spec.default_base_url() + operation.path, body)
    assert response.json() == operation.response_examples()[example]
    citcall_mock.respond(operation_id)
    assert _post(spec.default_base_url() + operation.path, body).json()["rc"] in (0, "00")


def test_respond_rejects_unknown_names_and_lists_the_known_ones(citcall_mock):
    with pytest.raises(KeyError, match="insufficient_amount"):
        citcall_mock.respond("sms", "no_such_example")
    with pytest.raises(KeyError, match="sendSms"):
        citcall_mock.respond("nowhere", "success")


def test_calls_records_what_the_app_sent(citcall_mock):
    _post(spec.default_base_url() + "/sms", VALID_SMS)
    _post(spec.servers()[1] + "/sms", {**VALID_SMS, "text": "second"})
    sent = citcall_mock.calls("sendSms")
    assert [request.url.host for request in sent] == [
        httpx.URL(spec.default_base_url()).host,
        httpx.URL(spec.servers()[1]).host,
    ]
    assert citcall_mock.calls("verifyOtp") == []


def test_unmatched_hosts_never_reach_the_network(citcall_mock):
    with pytest.raises(AssertionError, match="not mocked"):
        _post("http://127.0.0.1:9/sms", VALID_SMS)


def test_a_custom_base_url_can_be_mocked(pytester):
    pytester.makepyfile(
        INNER
        + """
@pytest.fixture
def citcall_base_urls():
    return ["https://citcall.test/v3"]

def test_it(citcall_mock):
    body = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hi"}
    r = httpx.post("https://citcall.test/v3/sms", json=body, headers=AUTH)
    assert r.json()["rc"] == 0
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_bad_body_fails_the_test_naming_operation_and_field(pytester):
    pytester.makepyfile(
        INNER
        + """
def test_app(citcall_mock):
    body = {"msisdn": "6281234567890", "text": "no sender"}
    httpx.post(BASE + "/sms", json=body, headers=AUTH)
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(["*sendSms (POST /sms): request body field `senderid`*required*"])


def test_a_violation_swallowed_by_the_app_still_fails_at_teardown(pytester):
    pytester.makepyfile(
        INNER
        + """
def test_app(citcall_mock):
    body = {"msisdn": "12", "senderid": "citcall", "text": "Hi"}
    try:
        httpx.post(BASE + "/sms", json=body, headers=AUTH)
    except Exception:
        pass  # a careless app
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*requests that break the Citcall spec*", "*field `msisdn`*"])


def test_missing_authorization_and_non_json_bodies_are_violations(pytester):
    pytester.makepyfile(
        INNER
        + """
from citcall_contract.testing import RequestViolation

def test_app(citcall_mock):
    url = BASE + "/verify"
    with pytest.raises(RequestViolation, match="Authorization header is missing"):
        httpx.post(url, json={"msisdn": "6281234567890", "trxid": "1", "token": "1234"})
    with pytest.raises(RequestViolation, match="not JSON"):
        httpx.post(url, content=b"msisdn=1", headers=AUTH)
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*verifyOtp (POST /verify): the Authorization header is missing*"])


def test_the_facade_against_citcall_mock_as_in_the_readme(citcall_mock):
    from citcall_contract import Citcall
    from citcall_contract.errors import CitcallBalanceError

    with Citcall("test-key") as client:
        sent = client.miscall("081234567890")
        assert citcall_mock.state.otps.get(sent.trxid) is not None  # the sandbox kept the OTP
        [request] = citcall_mock.calls("asynccall")
        assert request.headers["Authorization"] == "Apikey test-key"
        citcall_mock.respond("asynccall", "insufficient_amount")
        with pytest.raises(CitcallBalanceError):
            client.miscall("081234567890")


async def test_async_clients_are_answered_and_checked_too(citcall_mock):
    from citcall_contract import AsyncCitcall

    async with AsyncCitcall("test-key") as client:
        sent = await client.sms("081234567890", "Hello", senderid="citcall")
    [processed] = citcall_mock.processed("sms")
    assert processed["trxid"] == sent.trxid
    async with httpx.AsyncClient() as raw:
        with pytest.raises(AssertionError, match="field `text`"):
            await raw.post(
                spec.default_base_url() + "/sms", json={**VALID_SMS, "text": ""}, headers=AUTH
            )
    citcall_mock.violations.clear()  # the violation above was the point of this test
