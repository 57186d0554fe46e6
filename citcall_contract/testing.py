"""pytest plugin (entry point `pytest11`): fixtures to test an app's Citcall integration.

- `citcall_mock`: a respx router answering every operation with the spec's own named
  examples; `citcall_mock.respond("sms", "insufficient_amount")` picks a scenario, and every
  request body the app sends is validated against the spec.
- `citcall_sandbox`: the embedded sandbox on a loopback port, for tests that want a live
  gateway (callbacks included).

Override the `citcall_base_urls` fixture to mock a gateway address that is not in the spec.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx

from citcall_contract import spec

if TYPE_CHECKING:
    from citcall_contract.sandbox import SandboxServer

__all__ = [
    "CitcallMock",
    "RequestViolation",
    "SandboxHandle",
    "citcall_base_urls",
    "citcall_mock",
    "citcall_sandbox",
]

#: The user ID `citcall_sandbox` accepts for Basic auth (its API key is the sandbox default).
SANDBOX_USERID = "sandbox-user"
#: Name of the example each operation answers with until `respond` picks another.
DEFAULT_EXAMPLE = "success"


class RequestViolation(AssertionError):
    """A request the app sent does not match the spec; raised into the app and at teardown."""


def resolve_operation(name: str) -> spec.Operation:
    """An operation by operationId (`sendSms`) or by path (`sms`, `/sms`)."""
    operations = spec.operations()
    if name in operations:
        return operations[name]
    found = spec.operation_for_path("/" + name.lstrip("/"))
    if found is not None:
        return found
    known = ", ".join(f"{op.operation_id} ({op.path})" for op in operations.values())
    raise KeyError(f"no Citcall operation {name!r}; known: {known}")


def request_violations(operation: spec.Operation, request: httpx.Request) -> list[str]:
    """Why `request` breaks the spec for `operation`, one line per problem (empty if it is fine)."""
    where = f"{operation.operation_id} ({operation.method.upper()} {operation.path})"
    problems: list[str] = []
    if not request.headers.get("authorization"):
        problems.append(f"{where}: the Authorization header is missing")
    try:
        body = json.loads(request.content or b"")
    except ValueError:
        return [*problems, f"{where}: the request body is not JSON"]
    for error in sorted(operation.request_validator().iter_errors(body), key=str):
        problems.append(f"{where}: request body {_field_name(error)}: {error.message}")
    return problems


def _field_name(error: Any) -> str:
    path = "/".join(str(part) for part in error.absolute_path)
    if path:
        return f"field `{path}`"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return f"field `{missing}`"
    return "(whole body)"


@dataclass
class CitcallMock:
    """The respx router of `citcall_mock`, with the spec's examples as canned answers."""

    router: respx.MockRouter
    base_urls: Sequence[str]
    violations: list[str] = field(default_factory=list)
    _chosen: dict[str, str] = field(default_factory=dict)
    _requests: dict[str, list[httpx.Request]] = field(default_factory=dict)

    def install(self) -> None:
        """Route every operation on every base URL to its canned answer."""
        for operation in spec.operations().values():
            self._requests[operation.operation_id] = []
            for base in self.base_urls:
                url = base.rstrip("/") + operation.path
                route = self.router.route(method=operation.method.upper(), url=url)
                route.mock(side_effect=self._answer(operation))

    def respond(self, operation: str, example: str = DEFAULT_EXAMPLE) -> None:
        """Answer `operation` from now on with its named response example `example`."""
        op = resolve_operation(operation)
        examples = op.response_examples()
        if example not in examples:
            known = ", ".join(examples)
            raise KeyError(f"{op.operation_id} has no response example {example!r}; known: {known}")
        self._chosen[op.operation_id] = example

    def calls(self, operation: str) -> list[httpx.Request]:
        """The requests the app sent to `operation`, on any base URL, oldest first."""
        return list(self._requests[resolve_operation(operation).operation_id])

    def _answer(self, operation: spec.Operation) -> Any:
        def side_effect(request: httpx.Request) -> httpx.Response:
            self._requests[operation.operation_id].append(request)
            problems = request_violations(operation, request)
            if problems:
                self.violations.extend(problems)
                raise RequestViolation("\n".join(problems))
            example = self._chosen.get(operation.operation_id, DEFAULT_EXAMPLE)
            return httpx.Response(200, json=operation.response_examples()[example])

        return side_effect


@pytest.fixture
def citcall_base_urls() -> Sequence[str]:
    """Gateway addresses `citcall_mock` answers on: every server of the spec."""
    return spec.servers()


@pytest.fixture
def citcall_mock(citcall_base_urls: Sequence[str]) -> Iterator[CitcallMock]:
    """A respx router answering every Citcall operation; fails the test on a bad request."""
    with respx.mock(assert_all_called=False) as router:
        mock = CitcallMock(router=router, base_urls=list(citcall_base_urls))
        mock.install()
        yield mock
    if mock.violations:
        pytest.fail("requests that break the Citcall spec:\n" + "\n".join(mock.violations))


@dataclass(frozen=True)
class SandboxHandle:
    """What `citcall_sandbox` yields: where the sandbox listens and how to authenticate."""

    base_url: str
    userid: str | None
    api_key: str = field(repr=False)
    server: SandboxServer = field(repr=False)

    def deliveries(self, trxid: str | None = None) -> list[dict[str, Any]]:
        """The callbacks the sandbox has delivered (or tried to), oldest first."""
        return list(self.server.deliveries(trxid))

    def wait_for_deliveries(
        self, count: int, timeout: float = 5.0, trxid: str | None = None
    ) -> list[dict[str, Any]]:
        """Wait until `count` deliveries (for `trxid`) are finished; callbacks are async."""
        return list(self.server.wait_for_deliveries(count, timeout=timeout, trxid=trxid))


@pytest.fixture
def citcall_sandbox() -> Iterator[SandboxHandle]:
    """The embedded sandbox on a free loopback port, stopped after the test."""
    from citcall_contract.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(userid=SANDBOX_USERID)
    with SandboxServer(config, host="127.0.0.1", port=0) as server:
        yield SandboxHandle(
            base_url=server.base_url,
            userid=config.userid,
            api_key=config.api_key,
            server=server,
        )
