"""One rule for secrets and one for OTP digits, shared by errors, reports and recordings.

Issue 18 item 16: a very short key (`k`, as README examples use) is hidden where it
stands as a token, and ordinary words (`citcall_mock`) are left alone; a long key is
hidden anywhere. Issue 18 item 7 / issue 17: OTP digits in any layout and script, one
rule read from the spec's `x-otp-digits`.
"""

from __future__ import annotations

import pytest

from citcall_contract.core.redact import (
    SECRET,
    Redactor,
    code_digits,
    hide,
    mask_codes,
    mask_otp_digits,
)
from citcall_contract.spec.rules import otp_digits


@pytest.mark.parametrize(
    "text",
    [
        "use the citcall_mock fixture",
        "keys and kilos: k8s, k-means, ok",
        "Apikey: knock-knock, kk",
        "https://pub.citcall.com/v3/sms?kind=1",
    ],
)
def test_a_one_letter_key_leaves_ordinary_words_alone(text):
    assert Redactor(["k"]).text(text) == text
    assert hide(text, ["k"]) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("apikey k not found", f"apikey {SECRET} not found"),
        ("Authorization: Apikey k", f"Authorization: Apikey {SECRET}"),
        ('{"info":"k"}', f'{{"info":"{SECRET}"}}'),
        ("?apikey=k&x=1", f"?apikey={SECRET}&x=1"),
        ("k", SECRET),
    ],
)
def test_a_one_letter_key_is_hidden_where_it_stands_alone(text, shown):
    assert Redactor(["k"]).text(text) == shown


def test_a_long_key_is_hidden_even_inside_other_text():
    key = "k3y-DO-NOT-LEAK-7f3a9c"
    assert key not in Redactor([key]).text(f"prefix_{key}_suffix and x{key}y")


def test_a_short_key_cut_at_the_end_of_a_body_is_hidden_but_not_a_word_ending():
    redactor = Redactor(["secret1"])
    assert redactor.truncated('{"info": "apikey secr') == '{"info": "apikey ' + SECRET
    assert redactor.truncated("a word like mysecr") == "a word like mysecr"


def test_the_otp_rule_reads_the_spec():
    assert otp_digits() == 4
    shortest = "1" * otp_digits()
    assert mask_otp_digits(f"code {shortest}") == f"code {'*' * otp_digits()}"
    assert mask_otp_digits(f"code {shortest[1:]}") == f"code {shortest[1:]}"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Your code is 123-456", "Your code is ***-***"),
        ("Kode OTP: 12 34 56", "Kode OTP: ** ** **"),
        ("Kode: \uff11\uff12\uff13\uff14\uff15\uff16.", "Kode: ******."),
        ("code \u0661\u0662\u0663\u0664\u0665\u0666", "code ******"),  # Arabic-Indic
        ("OTP 4829 valid 5 min", "OTP **** valid 5 min"),
    ],
)
def test_otp_digits_in_any_layout_and_script_are_masked(text, masked):
    assert mask_otp_digits(text, ["123456"]) == masked


def test_a_known_code_is_masked_as_a_number_of_its_own_only():
    text = "token 12 34 56 for 6281234567890, ref 1234567"
    assert mask_codes(text, ["123456"], "0") == "token 00 00 00 for 6281234567890, ref 1234567"


def test_code_digits_normalises_any_script():
    assert code_digits("\uff11\uff12-\uff13\uff14") == "1234"
    assert code_digits(482913) == "482913"
    assert code_digits(True) is None
    assert code_digits("abc") is None


def test_request_copies_mask_the_token_in_the_text_in_any_layout():
    text = "Kode 48 29 13 / \uff14\uff18\uff12\uff19\uff11\uff13"
    shown = Redactor(["key"]).request({"token": "482913", "text": text})
    assert shown["token"] == "***"
    assert shown["text"] == "Kode ** ** ** / ******"
