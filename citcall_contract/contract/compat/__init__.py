"""`diff` and `compat`: two versions of the spec compared, what changed and whom it breaks.

Four audiences read the spec differently. **Integrators** send requests: the gateway
must keep accepting what it accepted (a request schema may widen, never narrow).
**Clients** read responses and **receivers** read callbacks: the gateway must not send
what they were not told about (those schemas may narrow, never widen). **SDK** source
is generated from names: operationIds, schema names and titles, property names, enum
member names (`x-enum-varnames`), tags, parameters.

`sources` reads a version from a file or a git revision (never passing an argument to
git as an option), `document` parses it and `wellformed` refuses shapes the rules cannot
walk (one line, exit 2). `endpoints` lists both documents' operations, callbacks and
webhooks, `wire` walks them in parallel (servers, security, parameters, bodies,
responses) and `schemas` compares schemas with their direction; `names` holds the SDK
rules; `instances` backs the rules by example (generated instances and the spec's named
examples) and `recorded` with recorded gateway bodies; `render` prints text, Markdown
and JSON; `releases` holds the semver gate. `diff()` runs them all.
"""

from __future__ import annotations

from citcall_contract.contract.compat.model import Audience, Change, Report

__all__ = ["Audience", "Change", "Report"]
