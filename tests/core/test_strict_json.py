"""`strict_json.loads` reads what `json.loads` reads, and refuses what is not plain JSON."""

from __future__ import annotations

import json

import pytest

from citcall_contract.core import strict_json


@pytest.mark.parametrize(
    "raw",
    [
        b'{"rc": 0, "info": "ok"}',
        '{"text": "caf\\u00e9 \\ud83d\\ude00"}',
        '{"text": "café"}'.encode(),
        '{"rc": 0}'.encode("utf-16"),
        '{"rc": 0}'.encode("utf-32-le"),
        '\ufeff{"rc": 0}'.encode(),  # a UTF-8 BOM in bytes is skipped, as json.loads does
        b"[1, 2.5, null, true]",
    ],
)
def test_plain_json_reads_as_json_loads_reads_it(raw):
    assert strict_json.loads(raw) == json.loads(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"NaN",
        b'{"price": Infinity}',
        b"[-Infinity]",
        b"[" * 100_000,
        b"\xff\xfe\xfd",
        b'{"rc": 0',
        "\ufeff{}",  # a BOM in a str is a mistake json.loads refuses too
        b"",
    ],
)
def test_what_is_not_plain_json_is_a_value_error(raw):
    with pytest.raises(ValueError, match=r"\w"):  # with words saying why
        strict_json.loads(raw)


def test_a_pairs_hook_sees_every_pair():
    pairs = strict_json.loads(b'{"rc": 0, "rc": 1}', object_pairs_hook=list)
    assert pairs == [("rc", 0), ("rc", 1)]
    with pytest.raises(ValueError, match="NaN is not JSON"):
        strict_json.loads(b'{"a": NaN}', object_pairs_hook=dict)


def test_only_text_and_bytes_are_read():
    with pytest.raises(TypeError):
        strict_json.loads(123)  # type: ignore[arg-type]
