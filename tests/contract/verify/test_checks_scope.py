"""The custom checks are registered process-wide but judge only Citcall runs."""

from __future__ import annotations

import pytest
import schemathesis
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from citcall_contract import spec
from citcall_contract.contract.verify.checks import bind_credentials, rc_documented
from citcall_contract.core.authorization import Credentials


async def _no_rc(request):
    return JSONResponse({"ok": True})


def _response_without_rc(bound: bool):
    schema = schemathesis.openapi.from_path(spec.spec_path())
    schema.app = Starlette(routes=[Route("/sms", _no_rc, methods=["POST"])])
    if bound:
        bind_credentials(schema, Credentials("key"))
    case = schema["/sms"]["POST"].Case(body={"msisdn": "6281234567890"})
    return case, case.call(base_url="http://app.test")


def test_a_bound_citcall_schema_is_judged():
    case, response = _response_without_rc(bound=True)
    with pytest.raises(AssertionError, match="readable `rc`"):
        rc_documented(None, response, case)


def test_another_schema_in_the_same_process_is_left_alone():
    case, response = _response_without_rc(bound=False)
    assert rc_documented(None, response, case) is None


def test_credentials_never_show_in_repr():
    assert "s3cret" not in repr(Credentials("s3cret", "user"))


def test_missing_required_header_is_judged_by_rc():
    """With a required header declared (the spec has none today), leaving it out must not
    get rc 0: the yes-man gateway fails rc_missing_required_header."""
    import copy

    from schemathesis.engine import events, from_schema

    from citcall_contract.contract.verify.runner import Settings, Target, build_config

    from .broken_gateways import yes_man_app

    document = copy.deepcopy(dict(spec.load_spec()))
    document["paths"] = {"/sms": document["paths"]["/sms"]}
    document["paths"]["/sms"]["post"]["parameters"] = [
        {"name": "X-Request-Id", "in": "header", "required": True, "schema": {"type": "string"}}
    ]
    target = Target("http://gateway.test", Credentials("key"), app=yes_man_app())
    config = build_config(target, Settings(max_examples=1))
    config.projects.override.phases.fuzzing.enabled = False
    config.projects.override.phases.stateful.enabled = False
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.app = target.app
    bind_credentials(schema, target.credentials)
    failing = {
        node.name
        for event in from_schema(schema).execute()
        if isinstance(event, events.ScenarioFinished)
        for nodes in event.recorder.checks.values()
        for node in nodes
        if node.failure_info is not None
    }
    assert "rc_missing_required_header" in failing
