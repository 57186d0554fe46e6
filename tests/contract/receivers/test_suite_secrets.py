"""The receiver suite's report and JUnit file never show the URL's credentials.

`verify-receiver http://user:password@host/...` posts with Basic auth from the URL's user
information; a receiver that fails may echo what it got in its answer, JSON-escaped
(`\\"` for a quote, `\\u00e4` for a non-ASCII letter) or as the Basic token itself. The
answers are quoted in the report, so every form must be hidden there.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

from citcall_contract.contract.receivers.suite import SuiteSettings, run_suite, write_junit
from citcall_contract.core.authorization import basic_credentials

from .conftest import serving

USER = "hook-user"
#: A password whose JSON form differs from the raw one (a quote and a non-ASCII letter).
PASSWORD = 'pässwörd"of-the-hook'
SETTINGS = SuiteSettings(kinds=("smsStatus",), max_examples=1, timeout=2.0, seed=1)


def echoing_receiver(environ, start_response):
    """Fails every callback with a 500 that echoes the Basic credentials it was sent."""
    token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Basic ")
    user, _, password = base64.b64decode(token).decode("utf-8").partition(":")
    body = json.dumps({"error": "cannot store", "user": user, "password": password})
    body += f" (Authorization: Basic {token})"
    start_response("500 Internal Server Error", [("Content-Type", "application/json")])
    return [body.encode("ascii")]


def test_credentials_echoed_by_a_failing_receiver_are_hidden_in_the_report(tmp_path):
    with serving(echoing_receiver) as base:
        url = base.replace("http://", f"http://{USER}:{quote(PASSWORD, safe='')}@") + "/hook"
        result = run_suite(url, SETTINGS)
    assert not result.ok
    answers = " ".join(o.answer.text for o in result.failures if o.answer is not None)
    assert "cannot store" in answers  # the receiver's answers are kept...
    junit = tmp_path / "receiver.xml"
    write_junit(result, junit)
    report = result.report()
    assert "HTTP 500" in report
    assert "cannot store" in report  # ...and quoted in the report
    token = basic_credentials(USER, PASSWORD)
    forms = {PASSWORD, json.dumps(PASSWORD)[1:-1], token, "pässwörd", "p\\u00e4ssw"}
    for text in (report, junit.read_text(encoding="utf-8"), answers):
        for form in forms:
            assert form not in text, form
