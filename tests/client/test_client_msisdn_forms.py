"""msisdn normalisation against an independent oracle: wire forms and their normal form.

The expected values are written out here, not computed by the rule under test. Sources:
the seed's request examples (`6281234567890`) and callbacks (`+6281234567890`); the
spec's `RequestMsisdn` (`081234567890` and `+62...` seen on the wire; Indonesian numbers
have 11-16 digits with the country code, others 10-17); the evidence (the official SDK
strips non-digits and turns a leading `0` into `62`; JULO's fixture `+628123456789`).
A trunk `0` after the country code (`62 0812...`) is a typo the gateway refuses.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from citcall_contract import Citcall, CitcallInputError
from citcall_contract.client.facade import DEFAULT_BASE_URL
from citcall_contract.client.msisdn import normalize_msisdn

from .client_support import API_KEY, NO_WAIT, path_of, sent_body, success_example

#: (as typed or seen on the wire, as sent to the gateway)
NORMAL_FORMS = [
    ("6281234567890", "6281234567890"),  # the seed's requests
    ("+6281234567890", "6281234567890"),  # the seed's callbacks, the spec
    ("081234567890", "6281234567890"),  # the spec: a national number with trunk 0
    ("0812-3456-7890", "6281234567890"),  # the evidence: separators are stripped
    ("+62 812-3456-7890", "6281234567890"),
    ("(0812) 3456 7890", "6281234567890"),
    ("0062 812 3456 7890", "6281234567890"),  # the international call prefix 00
    ("+628123456789", "628123456789"),  # JULO's fixture
    ("08123456789", "628123456789"),
    ("62812345678", "62812345678"),  # 11 digits: the shortest Indonesian number
    ("0812345678", "62812345678"),
    ("6281234567890123", "6281234567890123"),  # 16 digits: the longest
    ("+6591234567", "6591234567"),  # Singapore: another country, 10 digits
    ("+65 9123 4567", "6591234567"),
]
#: Forms that must be refused, with no request sent.
REFUSED = [
    "620812345678",  # trunk 0 kept after the country code
    "+6208123456789",
    "62-0812-3456-7890",
    "0062 0812 3456 7890",
    "6281234567",  # 10 digits: too short for Indonesia
    "62812345678901234",  # 17 digits: too long for Indonesia
    "0812345",
]


@pytest.mark.parametrize(("typed", "normal"), NORMAL_FORMS)
def test_wire_forms_normalise_to_the_seed_form(typed, normal):
    assert normalize_msisdn(typed) == normal


@pytest.mark.parametrize("typed", REFUSED)
def test_impossible_forms_are_refused(typed):
    with pytest.raises(CitcallInputError) as refused:
        normalize_msisdn(typed)
    assert refused.value.field == "msisdn"


@pytest.fixture
def sms_route() -> Iterator[respx.Route]:
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as gateway:
        yield gateway.post(path_of("sendSms")).respond(json=success_example("sendSms"))


@pytest.mark.parametrize(("typed", "normal"), NORMAL_FORMS)
def test_the_client_sends_the_normal_form(sms_route, typed, normal):
    with Citcall(API_KEY, retry=NO_WAIT) as client:
        client.sms(typed, "Hello", senderid="citcall")
    assert sms_route.call_count == 1
    assert sent_body(sms_route.calls.last.request)["msisdn"] == normal


@pytest.mark.parametrize("typed", REFUSED)
def test_the_client_sends_nothing_for_an_impossible_form(sms_route, typed):
    with Citcall(API_KEY, retry=NO_WAIT) as client, pytest.raises(CitcallInputError) as refused:
        client.sms(typed, "Hello", senderid="citcall")
    assert refused.value.field == "msisdn"
    assert not sms_route.called


#: An Indonesian mobile number after the country code: 8, then 8-13 digits (11-16 in all).
subscriber = st.builds("8{}".format, st.text(alphabet="0123456789", min_size=8, max_size=13))
prefixes = st.sampled_from(["62", "+62", "0062", "0", "+62 ", "(0)", "0062-", "+62-"])
separators = st.sampled_from(["", " ", "-", "."])


def _spaced(digits: str, separator: str, cut: int) -> str:
    return digits[:cut] + separator + digits[cut:]


@given(prefix=prefixes, number=subscriber, separator=separators, cut=st.integers(1, 8))
def test_any_written_form_of_a_number_normalises_to_62_and_the_number(
    prefix, number, separator, cut
):
    typed = prefix + _spaced(number, separator, cut)
    assert normalize_msisdn(typed) == "62" + number


@given(
    prefix=st.sampled_from(["62", "+62", "0062", "+62 ", "0062-"]),
    number=subscriber,
    separator=separators,
    cut=st.integers(1, 8),
)
def test_a_trunk_0_after_the_country_code_is_refused(prefix, number, separator, cut):
    typed = prefix + "0" + _spaced(number, separator, cut)
    with pytest.raises(CitcallInputError):
        normalize_msisdn(typed)
