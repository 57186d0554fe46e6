"""The gateway's answers: their size cap, and success bodies checked against the spec.

Parsing the JSON is `citcall_contract.core.strict_json`'s job (NaN, Infinity and deep
nesting are a plain ValueError there, for the facade, the sandbox and `parse_callback`
alike); this module says what a parsed success body must hold. A success `rc` promises
the fields the operation's response schema requires on success (`trxid`, `token`...);
a body that breaks that promise is refused rather than returned half-filled. The spec's
validator (`citcall_contract.spec`) is the authority. Walking a body through it costs
~0.2 ms, so when jsonschema-rs is installed (the `sandbox` extra brings it) a copy of
the same schema compiled by it answers the common case, "valid"; whenever it does not
accept a body, the spec's validator decides and names the error. The fast path is used
only for schemas without `format`, so it can never widen what the spec's validator
accepts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from citcall_contract import spec
from citcall_contract.spec.validators import error_location

#: Citcall's answers are under a kilobyte; anything past this is not the gateway talking.
MAX_ANSWER_BYTES = 64 * 1024


@functools.cache
def success_checker(operation_id: str) -> Callable[[Mapping[str, Any]], str | None]:
    """For one operation: body -> None when its 200 response schema accepts it, else why not.

    Compiled once per operation, on first use.
    """
    ref = spec.operation(operation_id).response_schema_ref()
    validator = spec.validator(ref)

    def problem(body: Mapping[str, Any]) -> str | None:
        if spec.surely_valid(ref, body):
            return None
        try:
            error = next(iter(validator.iter_errors(body)), None)
        except RecursionError:
            return "nested too deeply"
        if error is None:
            return None
        return f"{error_location(error)}: {error.message}"

    return problem
