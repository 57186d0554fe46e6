"""`citcall-contract sdk` output builds: TypeScript compiles, Go builds on the standard
library alone, Python imports, PHP loads without Composer, and each carries the rc enum
names of `x-enum-varnames`.

Each language is generated once per session (`tests/publishing/sdk/conftest.py`). The expected names
and values come from the spec through `citcall_contract.spec.codes`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from citcall_contract import spec
from citcall_contract.cli import main
from citcall_contract.publishing.conformance.targets import (
    TS_COMPILER_OPTIONS,
    declare_local_go,
    go_env,
)
from citcall_contract.spec import codes
from tests.processes import output_of, run_program

from .sdk_support import require, typescript_tools

pytestmark = pytest.mark.sdk

RC_NAMES = {info.name: info.rc for info in codes.response_codes().values()}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def run(command: list[str], cwd: Path, **env: str) -> str:
    return output_of(command, cwd=cwd, env={**os.environ, **env}, timeout=600)


def test_unknown_generator_is_refused_by_name(tmp_path, capsys) -> None:
    require("java", "Java is not installed (OpenAPI Generator runs on it)")
    assert main(["sdk", "typescript-fetsh", "-o", str(tmp_path / "x")]) == 1
    error = capsys.readouterr().err
    assert "unknown generator 'typescript-fetsh'" in error
    assert "typescript-fetch" in error
    assert not (tmp_path / "x").exists()


# --- TypeScript ----------------------------------------------------------------------------


def test_typescript_fetch_compiles_and_has_the_rc_enum(sdks: dict[str, Path], tmp_path) -> None:
    tsc, node = typescript_tools("Node.js is not installed (tsc runs on it)")
    out = sdks["typescript-fetch"]
    build = tmp_path / "js"
    config = {
        "compilerOptions": {
            **TS_COMPILER_OPTIONS,
            "outDir": str(build),
        },
        "include": ["**/*.ts"],
    }
    (out / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    run([str(tsc), "-p", str(out)], out)
    script = "console.log(JSON.stringify(require(process.argv[1]).ResponseCode))"
    printed = run([node, "-e", script, str(build / "models" / "ResponseCode.js")], out)
    assert json.loads(printed) == RC_NAMES
    rc_type = (out / "src" / "models" / "Rc.ts").read_text(encoding="utf-8")
    assert "export type Rc = number | string;" in rc_type
    apis = "".join(p.read_text(encoding="utf-8") for p in out.rglob("apis/*.ts"))
    assert apis
    for operation_id in spec.operations():
        assert f"async {operation_id}(" in apis, operation_id


# --- Go --------------------------------------------------------------------------------------


def test_go_builds_on_the_standard_library_and_has_the_rc_enum(
    sdks: dict[str, Path], tmp_path
) -> None:
    go = require("go", "Go is not installed (Debian package `golang-go`, installed by .ci/run)")
    out = sdks["go"]
    env = go_env(tmp_path)  # the conformance run's settings, so the two share Go's build cache
    # go.mod names the Go release the generator targets (newer than Debian 12's 1.19);
    # declare the local release instead, so no toolchain is fetched and the local one builds.
    declare_local_go(out, go, env)
    declared = (out / "go.mod").read_text()
    assert not re.search(r"(?m)^\s*(require\s+)?\S+ v\d", declared), "go.mod requires modules"
    module = run([go, "list", "-m"], out, **env).strip()
    run([go, "build", "./..."], out, **env)
    listing = run([go, "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", "./..."], out, **env)
    outside = [
        line.split()[0]
        for line in listing.splitlines()
        if line.endswith(" false") and not line.startswith(module)
    ]
    assert outside == [], "imports beyond the standard library"

    names = ", ".join(f'"{name}": int(citcall.{name})' for name in RC_NAMES)
    program = out / "cmd" / "rcnames" / "main.go"
    program.parent.mkdir(parents=True)
    program.write_text(
        f'package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n\n\tcitcall "{module}"\n)\n\n'
        f"func main() {{\n\tout, _ := json.Marshal(map[string]int{{{names}}})\n"
        f"\tfmt.Println(string(out))\n}}\n",
        encoding="utf-8",
    )
    assert json.loads(run([go, "run", "./cmd/rcnames"], out, **env)) == RC_NAMES
    sources = "".join(p.read_text(encoding="utf-8") for p in out.glob("api_*.go"))
    assert sources
    for operation_id in spec.operations():
        exported = operation_id[0].upper() + operation_id[1:]
        assert f") {exported}(ctx context.Context" in sources, operation_id


# --- Python ----------------------------------------------------------------------------------


def test_python_imports_and_parses_every_named_response_example(sdks: dict[str, Path]) -> None:
    """Each example round-trips through its model; `.rc` is the scalar as sent, and a known
    integer rc names a member of the generated `ResponseCode` enum."""
    out = sdks["python"]
    operations = {
        op_id: [
            snake(op_id),
            op.response_schema_ref().rsplit("/", 1)[1],
            list(op.response_examples().values()),
        ]
        for op_id, op in spec.operations().items()
    }
    script = """
import inspect, json, sys
import citcall_gateway
from citcall_gateway.models.response_code import ResponseCode

operations = json.loads(sys.argv[1])
methods = {
    name
    for _, api in inspect.getmembers(citcall_gateway, inspect.isclass)
    if api.__name__.endswith("Api")
    for name, _ in inspect.getmembers(api, inspect.isfunction)
}
def parse(cls, example):
    model = cls.from_json(json.dumps(example))
    back = json.loads(model.to_json())
    # Nullable fields come back as explicit nulls; drop the ones the example did not have.
    back = {k: v for k, v in back.items() if k in example or v is not None}
    rc = model.rc
    known = isinstance(rc, int) and rc in {m.value for m in ResponseCode}
    return {"same": back == example, "rc_name": ResponseCode(rc).name if known else None}

parsed = {}
for op_id, (method, model, examples) in operations.items():
    cls = getattr(citcall_gateway, model)
    parsed[op_id] = {"method": method in methods, "examples": [parse(cls, e) for e in examples]}
print(json.dumps({"rc": {m.name: m.value for m in ResponseCode}, "operations": parsed}))
"""
    result = run_program(
        [sys.executable, "-c", script, json.dumps(operations)],
        cwd=out,
        env={**os.environ, "PYTHONPATH": str(out)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rc"] == RC_NAMES
    for op_id, outcome in report["operations"].items():
        assert outcome["method"], f"{op_id}: no API method {snake(op_id)}"
        examples = operations[op_id][2]
        assert len(outcome["examples"]) == len(examples) > 1, op_id
        for example, parsed in zip(examples, outcome["examples"], strict=True):
            assert parsed["same"], (op_id, example)
            rc = example["rc"]
            expected = codes.describe_rc(rc).name if isinstance(rc, int) else None
            assert parsed["rc_name"] == expected, (op_id, example)


# --- PHP ---------------------------------------------------------------------------------------


def test_php_loads_without_composer_and_has_the_rc_enum(sdks: dict[str, Path]) -> None:
    """`autoload.php` alone loads the SDK (and Guzzle from the include path); rc is a scalar."""
    php = require("php", "PHP is not installed (Debian package `php-cli`, installed by .ci/run)")
    out = sdks["php"]
    assert not (out / "vendor").exists()
    script = r"""
        require $argv[1];
        $names = (new ReflectionClass('Citcall\Gateway\Model\ResponseCode'))->getConstants();
        $model = Citcall\Gateway\ObjectSerializer::deserialize(
            json_decode('{"rc":"00","price":450}'), '\Citcall\Gateway\Model\SmsResponse');
        $request = Citcall\Gateway\ObjectSerializer::deserialize(
            json_decode('{"msisdn":"6281234567890","gateway":0}'),
            '\Citcall\Gateway\Model\MiscallRequest');
        echo json_encode(['names' => $names, 'rc' => $model->getRc(),
            'price' => $model->getPrice(), 'guzzle' => class_exists('GuzzleHttp\Client'),
            'request' => Citcall\Gateway\ObjectSerializer::sanitizeForSerialization($request)]);
    """
    printed = json.loads(run([php, "-r", script, str(out / "autoload.php")], out))
    request = printed.pop("request")
    assert printed == {"names": RC_NAMES, "rc": "00", "price": 450, "guzzle": True}
    # Built from a dict without `retry`: no `"retry": null` (the gateway refuses it, rc 7).
    assert "retry" not in request
    assert request["gateway"] == 0


# --- names and READMEs --------------------------------------------------------------------------


def test_each_sdk_carries_citcalls_names_not_the_generators(sdks: dict[str, Path]) -> None:
    package = json.loads((sdks["typescript-fetch"] / "package.json").read_text("utf-8"))
    assert package["name"] == "@citcall/gateway"
    assert package["version"] == spec.load_spec()["info"]["version"]
    go_mod = (sdks["go"] / "go.mod").read_text("utf-8")
    assert go_mod.splitlines()[0] == "module github.com/citcall/citcall-go"
    composer = json.loads((sdks["php"] / "composer.json").read_text("utf-8"))
    assert composer["name"] == "citcall/gateway"
    assert list(composer["autoload"]["psr-4"]) == ["Citcall\\Gateway\\"]
    assert (sdks["python"] / "citcall_gateway" / "api_client.py").is_file()
    for sdk in sdks.values():
        text = "".join(
            p.read_text("utf-8", errors="replace") for p in sdk.rglob("*.*") if p.is_file()
        )
        for placeholder in ("GIT_USER_ID", "GIT_REPO_ID", "OpenAPI\\Client", "openapi_client"):
            assert placeholder not in text, (sdk.name, placeholder)


@pytest.mark.parametrize("generator", ["typescript-fetch", "go", "php", "python"])
def test_each_readme_shows_install_both_auth_schemes_and_success(
    sdks: dict[str, Path], generator: str
) -> None:
    readme = (sdks[generator] / "README.md").read_text("utf-8")
    head = readme.split("## The generator's reference", 1)[0]
    assert "## Install" in head
    assert "Apikey" in head
    assert "Basic" in head
    assert '`0` or `"00"` is success' in head
    assert "## The generator's reference" in readme, "the generator's own text is kept"


def test_the_python_readme_runs_against_the_sandbox(sdks: dict[str, Path]) -> None:
    """The README's Python blocks, aimed at a sandbox: send, verify with the OTP, success."""
    from citcall_contract.publishing.sdk_readme import GATEWAY
    from citcall_contract.sandbox import SandboxConfig, SandboxServer

    readme = (sdks["python"] / "README.md").read_text("utf-8")
    head = readme.split("## The generator's reference", 1)[0]
    code = "\n".join(re.findall(r"```python\n(.*?)```", head, re.S))
    with SandboxServer(SandboxConfig(api_key="readme-key"), host="127.0.0.1", port=0) as server:
        program = (
            code.replace(GATEWAY, server.base_url)
            .replace("YOUR_API_KEY", "readme-key")
            .replace("typed_code", "sent.token[-4:]")
        )
        program += "\nprint(valid)\n"
        printed = run(
            [sys.executable, "-c", program], sdks["python"], PYTHONPATH=str(sdks["python"])
        )
        assert printed.split() == ["True"]
        [send] = server.sends("6281234567890", "asyncMiscall")
        assert send["rc"] == 0


def test_a_python_request_from_a_dict_sends_only_its_fields(sdks: dict[str, Path]) -> None:
    script = (
        "import json, citcall_gateway as sdk\n"
        "request = sdk.MiscallRequest.from_dict({'msisdn': '6281234567890', 'gateway': 0})\n"
        "print(request.to_json())\n"
        "answer = sdk.VerifyResponse.from_dict({'rc': '00', 'token': None})\n"
        "print(answer.to_json())\n"
    )
    printed = run([sys.executable, "-c", script], sdks["python"], PYTHONPATH=str(sdks["python"]))
    request, answer = (json.loads(line) for line in printed.splitlines())
    assert "retry" not in request  # the gateway refuses `"retry": null` with rc 7
    assert request["gateway"] == 0
    assert answer == {"rc": "00", "token": None}, "a field the spec makes nullable stays null"
