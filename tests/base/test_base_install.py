"""The base distribution alone: the client works, and the kit says which extra it needs.

`tox -e base` installs the wheel with no extras and runs this folder, so these tests
see exactly what `pip install citcall-contract` gives an app. They also run in the full
environment, where the extras are present; the "names its extra" tests then hide the
extra's modules from a subprocess to see the same refusal.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

import citcall_contract
from citcall_contract import Citcall, CitcallBalanceError, parse_callback

API_KEY = "base-install-key"
BASE_URL = "https://gateway.test/v3"


def _transport(answer: dict[str, object], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=answer)

    return httpx.MockTransport(handle)


def test_the_client_sends_through_a_mock_transport() -> None:
    seen: list[httpx.Request] = []
    answer = {
        "rc": "00",
        "trxid": "20170709083044690027711524",
        "msisdn": "+6281234567890",
        "token": "6285000001234",
        "gateway": 0,
    }
    with Citcall(API_KEY, base_url=BASE_URL, transport=_transport(answer, seen)) as client:
        call = client.miscall("0812-3456-7890")
    assert call.token[-4:] == "1234"
    [request] = seen
    assert request.url == httpx.URL(f"{BASE_URL}/asynccall")
    assert request.headers["Authorization"] == f"Apikey {API_KEY}"
    assert json.loads(request.content) == {"msisdn": "6281234567890", "gateway": 0}


def test_an_rc_becomes_its_exception() -> None:
    seen: list[httpx.Request] = []
    answer = {"rc": 14, "info": "insufficient amount"}
    with (
        Citcall(API_KEY, base_url=BASE_URL, transport=_transport(answer, seen)) as client,
        pytest.raises(CitcallBalanceError) as caught,
    ):
        client.sms("6281234567890", "Your parcel has shipped.", senderid="citcall")
    assert caught.value.rc == 14
    assert API_KEY not in str(caught.value)


def test_parse_callback_reads_a_missed_call_report() -> None:
    body = (
        b'{"rc": 0, "trxid": "20170709083044690027711524", "msisdn": "+6281234567890",'
        b' "via": "voice", "token": "6285000001234", "dial_code": "200",'
        b' "dial_status": "OK", "call_status": "ANSWERED", "price": "179", "result": "Success"}'
    )
    report = parse_callback(body)
    assert report.trxid == "20170709083044690027711524"
    assert report.delivered


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


#: Makes the top-level modules named in argv[1] (comma-separated) unimportable, which is
#: what an installation without their extra looks like.
HIDE_MODULES = """
    import importlib.abc, sys
    hidden = set(sys.argv[1].split(","))
    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in hidden:
                raise ModuleNotFoundError(name)
            return None
    sys.meta_path.insert(0, Hide())
    import importlib.util
    real = importlib.util.find_spec
    importlib.util.find_spec = lambda n, *a: None if n.split(".")[0] in hidden else real(n, *a)
"""
#: Runs the CLI (argv[2:]) with those modules hidden.
WITHOUT_MODULES = (
    HIDE_MODULES
    + """
    from citcall_contract.cli import main
    sys.exit(main(sys.argv[2:]))
"""
)


@pytest.mark.parametrize(
    ("command", "extra", "hidden"),
    [
        (["verify"], "contract", "schemathesis"),
        (["verify-receiver", "http://127.0.0.1:9/hook"], "contract", "schemathesis,hypothesis"),
        (["sandbox", "--port", "0"], "sandbox", "starlette,uvicorn"),
        (["sdk", "go", "-o", "unused"], "sdk", "openapi_generator_cli"),
    ],
)
def test_a_kit_command_names_its_missing_extra(command: list[str], extra: str, hidden: str) -> None:
    result = _run(WITHOUT_MODULES, hidden, *command)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    assert f"pip install 'citcall-contract[{extra}]'" in lines[0]
    assert "Traceback" not in result.stderr


KIT_MODULES = "starlette,uvicorn,schemathesis,hypothesis,respx,fastapi,flask"


@pytest.mark.parametrize(
    "command",
    [
        ["trigger", "missed-call", "--to", "http://127.0.0.1:9/hook", "--timeout", "2"],
        ["verify-receiver", "http://127.0.0.1:9/hook", "--max-examples", "0", "--kind", "sms"],
    ],
)
def test_receiver_tools_work_without_extras(command: list[str]) -> None:
    """trigger and verify-receiver without generated payloads need httpx and the spec only."""
    result = _run(WITHOUT_MODULES, KIT_MODULES, *command)
    assert result.returncode == 1, result.stderr  # nothing listens there: reported, not refused
    assert "Traceback" not in result.stderr
    assert "extra" not in result.stderr


def test_help_does_not_load_the_kit() -> None:
    result = _run(
        """
        import sys
        from citcall_contract.cli import build_parser
        build_parser().format_help()
        heavy = {"yaml", "jsonschema", "schemathesis", "starlette", "uvicorn", "respx", "httpx"}
        print(sorted(heavy & {name.split(".")[0] for name in sys.modules}))
        """
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_importing_the_client_parses_no_yaml_and_compiles_no_validator() -> None:
    result = _run(
        """
        import sys
        import citcall_contract
        citcall_contract.Citcall("k")
        print(sorted({"yaml", "jsonschema", "referencing"} & set(sys.modules)))
        """
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_base_install_has_no_kit_modules() -> None:
    """Only meaningful in `tox -e base`; elsewhere the extras are installed on purpose."""
    if importlib.util.find_spec("schemathesis") is not None:
        pytest.skip("the extras are installed in this environment")
    for module in ("starlette", "uvicorn", "respx", "schemathesis", "hypothesis"):
        assert importlib.util.find_spec(module) is None, module
    assert citcall_contract.__version__


def _installed_from_a_wheel() -> bool:
    """True unless the package runs from a checkout (an editable install)."""
    return not (Path(citcall_contract.__file__).resolve().parents[1] / "pyproject.toml").is_file()


@pytest.mark.skipif(not _installed_from_a_wheel(), reason="an editable install finds its checkout")
@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["lint"], ("source tree",)),
        (["generate", "--check"], ("source tree",)),
        # The site is built in a checkout; without the `docs` extra that is said first.
        (["docs", "-o", "site"], ("source tree", "'docs' extra")),
    ],
)
def test_source_tree_commands_say_why_in_one_line(
    command: list[str], expected: tuple[str, ...], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "citcall_contract", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PATH": os.path.dirname(sys.executable)},
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert any(reason in lines[0] for reason in expected), lines[0]
    assert "Traceback" not in result.stderr
