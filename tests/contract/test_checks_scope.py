"""The custom checks are registered process-wide but judge only Citcall runs."""

from __future__ import annotations

import pytest
import schemathesis
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from citcall_contract import spec
from citcall_contract.contract.checks import Credentials, bind_credentials, rc_documented


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
