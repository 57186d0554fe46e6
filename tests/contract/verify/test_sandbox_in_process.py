"""The spec against the sandbox in-process (ASGI): schemathesis' pytest integration.

The same schema object `verify` builds: default checks minus the five HTTP-status ones,
plus the rc-based checks. Fewer examples than `verify`; that run is in test_verify_cli.
"""

from __future__ import annotations

from hypothesis import settings

from citcall_contract.contract.verify.runner import Credentials, Settings, Target, load_schema
from citcall_contract.sandbox import DEFAULT_API_KEY, SandboxConfig, create_app

APP = create_app(SandboxConfig())
schema = load_schema(
    Target("http://sandbox.test/gateway/v3", Credentials(DEFAULT_API_KEY), app=APP),
    Settings(max_examples=25, seed=11),
)


@schema.parametrize()
def test_every_operation_honours_the_contract(case):
    response = case.call_and_validate()
    # The run's credentials reach the app, so the auth and acceptance checks can bite.
    assert response.request.headers["Authorization"] == f"Apikey {DEFAULT_API_KEY}"


OtpFlow = schema.as_state_machine()
TestOtpFlow = OtpFlow.TestCase
TestOtpFlow.settings = settings(max_examples=15, stateful_step_count=4, deadline=None)
