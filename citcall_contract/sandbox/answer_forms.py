"""`--answer-forms varied`: answers and callbacks that cycle through every wire form.

The gateway sends `rc` as `0` or `"00"`, `price` as `"450"` or `450`, `msisdn` with or
without `+`, and leaves optional fields out; a sandbox that always answers in one form
lets a client that breaks on the other pass every test. In `varied` mode each field of
each operation's answers (and of each callback kind) takes its forms from the spec's
`x-wire-forms` (`spec.wire_forms`) in turn: the k-th time a field is sent it gets form
`(k + offset) mod n`, the offset drawn from the seed, so any n answers that carry the
field show all its forms, and the same seed gives the same sequence. `canonical` (the
default) never builds this object, so its path costs nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from citcall_contract.sandbox.defaults import ANSWER_FORM_MODES, VARIED_FORMS
from citcall_contract.sandbox.responses import dumps, json_response
from citcall_contract.spec import Webhook, operation
from citcall_contract.spec.wire_forms import ABSENT, field_forms


class AnswerForms:
    """The turn of every (operation or callback kind, field): which form comes next."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._turns: dict[tuple[str, str], int] = {}
        self._schemas: dict[str, str] = {}

    def reset(self) -> None:
        """Start every cycle again (`POST /_sandbox/reset`)."""
        self._turns.clear()

    def _pick(self, sender: str, name: str, count: int) -> int:
        key = (sender, name)
        turn = self._turns.get(key, 0)
        self._turns[key] = turn + 1
        offset = zlib.crc32(f"{self.seed}/{sender}/{name}".encode())
        return (turn + offset) % count

    def vary(self, sender: str, schema_name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """`body` (valid for `schema_name`) with each varied field in its next form."""
        varied = dict(body)
        for name, forms in field_forms(schema_name).items():
            if name not in varied:
                continue
            value = forms[self._pick(sender, name, len(forms))].apply(varied[name])
            if value is ABSENT:
                del varied[name]
            else:
                varied[name] = value
        return varied

    def answer(
        self, operation_id: str, body: Mapping[str, Any] | None, response: Response
    ) -> Response:
        """The operation's answer in the next forms; left alone unless it is `body` as JSON
        (a fault's proxy page, cut body or dropped connection stays what it is)."""
        if body is None or response.body != dumps(body):
            return response
        schema = self._schemas.get(operation_id)
        if schema is None:
            ref = operation(operation_id).response_schema_ref()
            schema = self._schemas[operation_id] = ref.rsplit("/", 1)[-1]
        varied = json_response(self.vary(operation_id, schema, body), response.status_code)
        varied.background = response.background
        return varied

    def callback(self, kind: Webhook, payload: Mapping[str, Any]) -> dict[str, Any]:
        """A callback payload in the next forms of its kind."""
        return self.vary(kind.name, kind.schema_name, payload)


def answer_forms(mode: str, seed: int) -> AnswerForms | None:
    """What a sandbox in `mode` varies its answers with; None for `canonical`."""
    if mode not in ANSWER_FORM_MODES:
        modes = ", ".join(ANSWER_FORM_MODES)
        raise ValueError(f"answer_forms must be one of {modes}, not {mode!r}")
    return AnswerForms(seed) if mode == VARIED_FORMS else None
