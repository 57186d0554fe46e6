"""What every test run shares: Hypothesis's profiles, and one copy of schemathesis' events.

Hypothesis profiles, chosen by `HYPOTHESIS_PROFILE` (tox sets `ci`; `dev` otherwise):

- `ci`: derandomised (the same examples every run, so a red CI is reproducible), no
  deadline (a shared runner's pauses are not failures), no example database, at most 50
  examples per test unless the test says more.
- `dev`: random examples, remembered in `.hypothesis/` so a failure comes back first; no
  deadline either (tests here assert behaviour, never time).

The base install (`tox -e base`) has neither Hypothesis nor schemathesis: both are skipped.
"""

from __future__ import annotations

import contextlib
import importlib
import os

PROFILE_ENV = "HYPOTHESIS_PROFILE"
CI_MAX_EXAMPLES = 50


def _register_hypothesis_profiles() -> None:
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        return
    settings.register_profile(
        "ci",
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=True,
        max_examples=CI_MAX_EXAMPLES,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("dev", deadline=None)
    # An unknown name fails the run here, naming the profile, instead of being ignored.
    settings.load_profile(os.environ.get(PROFILE_ENV) or "dev")


def _import_what_inner_pytest_runs_would_drop() -> None:
    """Import schemathesis' report writers (and with them `schemathesis.engine.events`) now.

    `pytester.runpytest_inprocess` (the plugin's tests) puts `sys.modules` back as it
    found it, so a module first imported during an inner run is dropped from it, while
    its parent package keeps it as an attribute. schemathesis' pytest plugin
    imports its report writers when a session finishes, which imports
    `schemathesis.engine.events`: after an inner run, `from schemathesis.engine import
    events` returned that dropped copy while the engine loaded a fresh one, so every
    `isinstance(event, events.ScenarioFinished)` (the verify runner's, a test's) was False
    and `verify` saw no results. Imported before any inner run, there is one copy only.
    """
    for name in ("schemathesis.reporting.html.writer", "schemathesis.reporting.junitxml"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


_register_hypothesis_profiles()
_import_what_inner_pytest_runs_would_drop()
