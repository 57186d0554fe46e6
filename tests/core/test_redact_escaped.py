"""`redact.hide`: a secret is hidden raw and in the escaped forms a JSON encoder writes it in.

A gateway or receiver that echoes a credential inside a JSON answer writes it escaped: a
quote as `\\"`, a backslash as `\\\\`, a non-ASCII letter as `\\u00e4` (Python's and PHP's
default), a slash as `\\/` (PHP's default, and Basic tokens are base64 with `/`). Each
form must be hidden wherever `hide` is used (the verify report, the receiver suite, the
recorder); the end-to-end tests live with those suites.
"""

from __future__ import annotations

import json

import pytest

from citcall_contract.core.authorization import basic_credentials
from citcall_contract.core.redact import hide

QUOTED_KEY = 'k3y"with-a-quote-0123'
BACKSLASH_KEY = "k3y\\with-a-backslash-0123"
UMLAUT_PASSWORD = "pässwörd-of-the-hook"
#: A Basic token with `/` in its base64 (checked below), as PHP's json_encode writes it.
BASIC_TOKEN = basic_credentials("citcall-user", "key-with-???-0123")


def php_json(value: object) -> str:
    """`json_encode` with PHP's defaults: `/` escaped as `\\/`, non-ASCII as `\\uXXXX`."""
    return json.dumps(value).replace("/", "\\/")


def test_the_basic_token_of_these_tests_has_a_slash():
    assert "/" in BASIC_TOKEN


@pytest.mark.parametrize(
    ("secret", "echo"),
    [
        pytest.param(QUOTED_KEY, json.dumps, id='quote as \\"'),
        pytest.param(BACKSLASH_KEY, json.dumps, id="backslash as \\\\"),
        pytest.param(UMLAUT_PASSWORD, json.dumps, id="non-ASCII as \\u"),
        pytest.param(BASIC_TOKEN, php_json, id="Basic token with \\/"),
    ],
)
def test_a_json_escaped_echo_is_hidden(secret, echo):
    answer = echo({"rc": 96, "info": f"apikey {secret} not found"})
    escaped = echo(secret)[1:-1]
    assert escaped != secret  # the answer really carries another form than the raw one
    assert escaped in answer

    shown = hide(answer, [secret])

    assert escaped not in shown
    assert secret not in shown
    # Only the secret went: the answer still reads, and is still JSON.
    info = json.loads(shown)["info"]
    assert info.startswith("apikey ")
    assert info.endswith(" not found")


def test_every_form_of_every_secret_in_one_text_is_hidden():
    secrets = [QUOTED_KEY, BASIC_TOKEN, UMLAUT_PASSWORD]
    text = "\n".join(
        [
            f"raw: {QUOTED_KEY} {BASIC_TOKEN} {UMLAUT_PASSWORD}",
            "json: " + json.dumps([QUOTED_KEY, BASIC_TOKEN, UMLAUT_PASSWORD]),
            "php: " + php_json([QUOTED_KEY, BASIC_TOKEN, UMLAUT_PASSWORD]),
        ]
    )

    shown = hide(text, secrets)

    for secret in secrets:
        for form in (secret, json.dumps(secret)[1:-1], php_json(secret)[1:-1]):
            assert form not in shown, form
    assert shown.splitlines()[0].startswith("raw: ")


def test_missing_secrets_are_skipped_and_text_without_secrets_is_unchanged():
    text = 'no credential here: {"rc": 0, "info": "ok \\/ fine"}'
    assert hide(text, [None, "", QUOTED_KEY]) == text
    assert hide(text, []) == text
