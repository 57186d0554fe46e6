"""What a contract run is aimed at, how it is tuned, and what it found.

Plain data shared by the runner, the OTP round trip and the report, so none of them
imports another to name a result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from citcall_contract.core.authorization import Credentials
from citcall_contract.core.hosts import LOOPBACK_HOSTS, is_allowed

#: Fuzzing examples per operation; the examples and coverage phases add more on top.
DEFAULT_MAX_EXAMPLES = 100
#: How long to wait for callbacks after the last request.
CALLBACK_TIMEOUT = 10.0
#: Seconds one request may take, answer included (a longer one fails the run).
REQUEST_TIMEOUT = 10.0
#: Largest answer read from a server over HTTP; Citcall's answers are under a kilobyte.
MAX_RESPONSE_BYTES = 1024 * 1024
#: Seconds a whole run may take by default (the default run takes about 30 s).
MAX_TIME = 900.0


@dataclass(frozen=True)
class Target:
    """The server under test: `app` in-process when given, else `base_url` over HTTP.

    Over HTTP a run goes through a relay that caps every answer in size and time, so a
    hostile server cannot hang it or fill its memory. `bounded` says the server caps its
    own answers (the embedded sandbox: small bodies, its own time-outs), so the run
    talks to it directly and saves the relay's hop, about a sixth of a run's time.
    """

    base_url: str
    credentials: Credentials
    app: Any = field(default=None, repr=False)
    bounded: bool = False

    @property
    def is_local(self) -> bool:
        """Whether the server can reach a receiver on 127.0.0.1 (callbacks are then required)."""
        return self.app is not None or is_allowed(self.base_url, LOOPBACK_HOSTS)


@dataclass(frozen=True)
class Settings:
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    workers: int = 1
    callback_timeout: float = CALLBACK_TIMEOUT
    #: Per request, over HTTP: the answer must be complete within this many seconds...
    request_timeout: float = REQUEST_TIMEOUT
    #: ...and no larger than this many bytes; a breach fails the run.
    max_response_bytes: int = MAX_RESPONSE_BYTES
    #: The whole run stops after this many seconds (None: no limit) and then fails.
    max_time: float | None = MAX_TIME


@dataclass(frozen=True)
class CheckFailure:
    operation: str
    check: str
    message: str


@dataclass(frozen=True)
class Progress:
    """One finished scenario: reported as the run goes."""

    phase: str
    label: str
    cases: int
    failed: bool


@dataclass
class RunResult:
    """What a run found: tallies per (operation, check), failures, cases per operation."""

    passed: Counter[tuple[str, str]] = field(default_factory=Counter)
    failed: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[CheckFailure] = field(default_factory=list)
    cases: Counter[str] = field(default_factory=Counter)
    new_codes: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    errors: list[str] = field(default_factory=list)
    callbacks_caught: int = 0
    #: Requests sent to a server over HTTP (None in-process).
    requests: int | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors and bool(self.cases)

    def add(self, operation: str, check: str, failure: str | None) -> None:
        if failure is None:
            self.passed[operation, check] += 1
            return
        self.failed[operation, check] += 1
        if not any(f.operation == operation and f.check == check for f in self.failures):
            self.failures.append(CheckFailure(operation, check, failure))

    def checks(self) -> list[str]:
        return sorted({check for _, check in (*self.passed, *self.failed)})

    def operations(self) -> list[str]:
        return sorted({op for op, _ in (*self.passed, *self.failed)} | set(self.cases))
