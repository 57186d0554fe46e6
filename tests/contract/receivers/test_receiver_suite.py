"""verify-receiver's suite: passes a correct receiver, fails broken ones naming the payload."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from citcall_contract import parse_callback
from citcall_contract.contract.receivers import payloads
from citcall_contract.contract.receivers.suite import (
    CHECKS,
    UNKNOWN_TRXID_PREFIX,
    SuiteSettings,
    describe_failure,
    parse_trxids,
    run_suite,
    write_junit,
)
from citcall_contract.core.delivery import DeliveryRefused

from . import receivers
from .conftest import serving

FAST = SuiteSettings(paths=receivers.PATHS, max_examples=3, timeout=2.0, seed=1)
KNOWN = SuiteSettings(
    paths=receivers.PATHS, max_examples=3, timeout=2.0, seed=1, trxids={"*": ["1234567"]}
)


@pytest.mark.parametrize(
    "make", [receivers.fastapi_receiver, receivers.flask_receiver], ids=["fastapi", "flask"]
)
def test_a_correct_receiver_passes_every_check(make):
    result = run_suite(make(), KNOWN)
    assert result.ok, result.report()
    assert result.kinds() == ["missedCallStatus", "smsStatus", "smsOtpStatus"]
    for kind in result.kinds():
        for check in CHECKS:
            passed, total = result.cell(kind, check)
            assert total > 0
            assert passed == total
    # The receiver really parsed the valid deliveries, with the known trxid (the others
    # are hostile deliveries it chose to accept, such as a JSON body sent as text/plain).
    seen = {report.trxid for report in receivers.RECORDED}
    assert "1234567" in seen
    assert all(t.startswith(UNKNOWN_TRXID_PREFIX) for t in seen - {"1234567"})


# Each broken receiver, and a payload the failure must name (kind / check / case).
BROKEN = [
    ("crashes on rc as string", "missedCallStatus / forms / rc as string"),
    ("crashes on numeric price", "smsStatus / forms / price as number"),
    ("crashes on numeric price", "missedCallStatus / forms / price as number"),
    ("crashes on msisdn without +", "missedCallStatus / forms / msisdn without +"),
    ("crashes on missing optional fields", "missedCallStatus / forms / only required fields"),
    ("crashes on missing optional fields", "smsOtpStatus / forms / only required fields"),
    ("crashes on a duplicate", "smsStatus / duplicate / same payload again"),
    ("hangs", "missedCallStatus / forms / example answered"),
]


@pytest.mark.parametrize(("receiver", "names"), BROKEN)
def test_a_broken_receiver_fails_naming_the_payload(receiver, names):
    settings = SuiteSettings(paths=receivers.PATHS, max_examples=3, timeout=0.3, seed=1)
    result = run_suite(receivers.flask_receiver(receivers.BROKEN[receiver]), settings)
    assert not result.ok
    assert names in result.failing_payloads()
    report = result.report()
    assert "FAIL" in report
    assert names in report


def test_the_rc_crash_is_caught_in_an_asgi_app_too():
    app = receivers.fastapi_receiver(receivers.BROKEN["crashes on rc as string"])
    result = run_suite(app, FAST)
    [failure] = [o for o in result.failures if o.case.name == "rc as string"]
    assert failure.problem is not None
    assert "HTTP 500" in failure.problem
    assert "TypeError" in failure.problem  # the exception the app raised, for the integrator
    shown = describe_failure(failure)
    assert '"rc": "00"' in shown  # the payload in full


def test_only_the_duplicate_fails_for_a_receiver_that_crashes_on_duplicates():
    result = run_suite(receivers.flask_receiver(receivers.BROKEN["crashes on a duplicate"]), FAST)
    assert {o.case.check for o in result.failures} == {"duplicate"}
    assert {o.case.name for o in result.failures} == {"same payload again"}


def test_a_hanging_receiver_costs_at_most_max_timeouts_deliveries():
    settings = SuiteSettings(
        paths=receivers.PATHS, max_examples=0, timeout=0.2, max_timeouts=2, kinds=("sms",)
    )
    result = run_suite(receivers.flask_receiver(receivers.BROKEN["hangs"]), settings)
    timed_out = [o for o in result.failures if "timed out" in (o.problem or "")]
    not_sent = [o for o in result.failures if (o.problem or "").startswith("not sent")]
    assert len(timed_out) == 2
    assert len(not_sent) == len(result.outcomes) - 2
    assert result.elapsed < 5  # bounded by max_timeouts x timeout, not by the case count


def test_a_4xx_for_a_valid_callback_fails_only_for_a_known_transaction():
    app = receivers.flask_receiver(receivers.strict_rc)
    assert run_suite(app, FAST).ok  # unknown trxids: refusing is the receiver's right
    result = run_suite(app, KNOWN)
    assert "missedCallStatus / forms / rc as string" in result.failing_payloads()
    [failure] = [o for o in result.failures if o.case.name == "rc as string"]
    assert "HTTP 400 for a valid callback of a known transaction" in (failure.problem or "")


def test_a_hook_makes_a_fresh_transaction_per_valid_delivery():
    made: list[str] = []

    def make_trxid(kind: str) -> str:
        made.append(f"7{len(made):05d}")
        return made[-1]

    settings = SuiteSettings(
        paths=receivers.PATHS, max_examples=0, kinds=("sms",), make_trxid=make_trxid
    )
    result = run_suite(receivers.flask_receiver(), settings)
    assert result.ok
    seen = {r.trxid for r in receivers.RECORDED}
    assert {t for t in seen if not t.startswith(UNKNOWN_TRXID_PREFIX)} == set(made)
    assert len(made) == len(payloads.valid_variants("smsStatus")) + 1  # + duplicate pair


def test_the_suite_contacts_only_allowed_hosts():
    with pytest.raises(DeliveryRefused):
        run_suite("http://example.com/hooks", FAST)
    with pytest.raises(DeliveryRefused) as caught:
        run_suite("http://user:hunter2@example.com/hooks", FAST)
    assert "hunter2" not in str(caught.value)


def test_over_loopback_with_a_kind_placeholder_in_the_url():
    with serving(receivers.flask_receiver()) as base:
        settings = SuiteSettings(max_examples=2, seed=1)
        result = run_suite(base + "/citcall/{alias}", settings)
    assert result.ok, result.report()
    assert result.target.startswith("http://127.0.0.1:")


def test_junit_has_one_case_per_delivery_and_the_payload_of_failures(tmp_path):
    result = run_suite(
        receivers.flask_receiver(receivers.BROKEN["crashes on msisdn without +"]), FAST
    )
    path = tmp_path / "receiver.xml"
    write_junit(result, path)
    root = ET.parse(path).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == len(result.outcomes)
    failures = root.findall(".//failure")
    assert len(failures) == len(result.failures) >= 1
    assert any('"msisdn": "6281234567890"' in (f.text or "") for f in failures)


def test_trxid_options_name_a_kind_or_all():
    assert parse_trxids(["1", "sms=2", "missed-call=3"]) == {
        "*": ["1"],
        "smsStatus": ["2"],
        "missedCallStatus": ["3"],
    }


@pytest.mark.parametrize("kind", ["missedCallStatus", "smsStatus", "smsOtpStatus"])
def test_every_variant_is_spec_valid_and_parses(kind):
    for variant in payloads.valid_variants(kind):
        assert payloads.field_problems(kind, variant.payload) == []
        parse_callback(json.dumps(variant.payload), kind=kind)
    for payload in payloads.generated_payloads(kind, 10, seed=3):
        parse_callback(payload, kind=kind)


def test_the_forms_the_gateway_sends_are_all_covered():
    found = {v.name: v.payload for v in payloads.valid_variants("missedCallStatus")}
    assert found["rc as string"]["rc"] == "00"
    assert found["rc as number"]["rc"] == 0
    assert isinstance(found["price as number"]["price"], int)
    assert isinstance(found["dial_code as number"]["dial_code"], int)
    assert found["msisdn without +"]["msisdn"] == "6281234567890"
    assert set(found["only required fields"]) == {"rc", "trxid", "result"}
    classes = {name for name in found if name.startswith("dial_code ") and "xx" in name}
    assert {c.split("(")[1][:3] for c in classes} == {"1xx", "2xx", "3xx", "4xx", "5xx", "6xx"}
    from citcall_contract.spec import scenarios

    for outcome in scenarios.call_outcomes().values():
        assert f"call outcome {outcome.name}" in found


def test_hostile_deliveries_cover_the_issue_list():
    names = {h.name for h in payloads.hostile_deliveries("smsStatus")}
    for expected in (
        "not JSON",
        "a JSON array",
        "empty body",
        "missing trxid",
        "wrong type for trxid",
        "1 MB body",
        "wrong Content-Type (text/plain)",
    ):
        assert expected in names
    big = next(h for h in payloads.hostile_deliveries("smsStatus") if h.name == "1 MB body")
    assert len(big.body) > 1024 * 1024


def test_the_whole_run_has_a_time_limit():
    settings = SuiteSettings(paths=receivers.PATHS, max_examples=0, kinds=("sms",), run_limit=0)
    result = run_suite(receivers.flask_receiver(), settings)
    assert not result.ok
    assert all(
        (o.problem or "").startswith("not sent: the run took longer") for o in result.outcomes
    )


def test_generated_numbers_stay_realistic():
    for payload in payloads.generated_payloads("smsStatus", 60, seed=7):
        price = payload.get("price")
        if isinstance(price, int | float):
            assert 0 <= price <= payloads.LARGEST_GENERATED_NUMBER
