"""Every code sample of the reference docs runs against the sandbox and gets a success rc.

The samples come from `citcall_contract.publishing.code_samples`, the renderer the docs build uses,
with the sandbox's address and key in place of the spec's server and the placeholder. The
`/verify` samples send a live OTP (a missed call placed just before, one per language)
instead of the spec's example, which names a transaction the sandbox never saw.

Each SDK is generated once per session (the `sdks` fixture the SDK tests share) and all its
samples are built together: one `tsc`, one `go build`; PHP runs on Debian's `php-cli` with a tiny
PSR-4 autoloader and Debian's Guzzle autoloaders (no Composer).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from citcall_contract import Citcall, spec
from citcall_contract.publishing.code_samples import (
    LANGUAGES,
    PHP_AUTOLOADER,
    PLACEHOLDER_API_KEY,
    docs_example,
    render,
    sdk_names,
    x_code_samples,
)
from citcall_contract.publishing.conformance.targets import (
    TS_COMPILER_OPTIONS,
    declare_local_go,
    go_env,
)
from citcall_contract.publishing.reference_docs import docs_input
from citcall_contract.sandbox import SandboxConfig, SandboxServer
from citcall_contract.spec.rules import missed_call_otp
from tests.processes import output_of
from tests.publishing.sdk.sdk_support import missing, require, typescript_tools

pytestmark = pytest.mark.sdk

API_KEY = "docs-samples-key"
OPERATIONS = sorted(spec.operations())
#: Debian's autoloaders for Guzzle and the PSR interfaces it implements.
DEBIAN_PHP_AUTOLOADERS = [
    "/usr/share/php/Psr/Http/Message/autoload.php",
    "/usr/share/php/Psr/Http/Client/autoload.php",
    "/usr/share/php/GuzzleHttp/Promise/autoload.php",
    "/usr/share/php/GuzzleHttp/Psr7/autoload.php",
    "/usr/share/php/GuzzleHttp/autoload.php",
]


def local_env(**extra: str) -> dict[str, str]:
    """The environment without proxies, so every sample talks to the sandbox directly."""
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    env = {k: v for k, v in os.environ.items() if k.lower() not in proxies}
    return {**env, "NO_PROXY": "127.0.0.1,localhost", **extra}


def run(command: list[str], cwd: Path, **env: str) -> str:
    return output_of(command, cwd=cwd, env=local_env(**env), timeout=300)


# --- the sandbox and the samples ---------------------------------------------------------------


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(api_key=API_KEY), host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(scope="session")
def base_url(sandbox: SandboxServer) -> str:
    """The sandbox under the path of the spec's first server (`.../gateway/v3`)."""
    path = spec.default_base_url().split("//", 1)[1].partition("/")[2]
    return f"{sandbox.base_url}/{path}"


def live_otp(base_url: str) -> dict[str, str]:
    """A `/verify` body for a missed call placed now: its trxid, msisdn and the OTP it carries."""
    _, example = docs_example("asyncMiscall")
    with Citcall(API_KEY, base_url=base_url) as citcall:
        call = citcall.miscall(example["msisdn"], valid_time=300)
    otp = missed_call_otp(call.token)
    assert otp is not None, call
    return {"msisdn": example["msisdn"], "trxid": call.trxid, "token": otp}


@pytest.fixture(scope="session")
def samples(base_url: str) -> dict[tuple[str, str], str]:
    """(operationId, language) -> the sample's source, aimed at the sandbox."""
    rendered = {}
    for language in LANGUAGES:
        for op_id in OPERATIONS:
            example = live_otp(base_url) if op_id == "verifyOtp" else docs_example(op_id)[1]
            rendered[op_id, language.key] = render(op_id, language.key, example, base_url, API_KEY)
    return rendered


# --- SDKs: generated once, every sample built together ------------------------------------------


@pytest.fixture(scope="session")
def sdk_root(sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the samples' builds; the SDKs are the session's (`sdks`), generated once."""
    return tmp_path_factory.mktemp("sample-builds")


def typescript_programs(
    sdks: Mapping[str, Path], sdk_root: Path, samples: Mapping[tuple[str, str], str]
) -> dict[str, list[str]]:
    """Compile the SDK and every TypeScript sample with one `tsc`; operationId -> node command."""
    tsc, node = typescript_tools("Node.js is not installed (tsc and the samples run on it)")
    sdk = sdks["typescript-fetch"]
    work = sdk_root / "typescript"
    out = sdk_root / "typescript-build"
    (work / "samples").mkdir(parents=True, exist_ok=True)
    for op_id in OPERATIONS:
        (work / "samples" / f"{op_id}.ts").write_text(samples[op_id, "typescript"])
    package = sdk_names().typescript_package
    root = Path(os.path.commonpath([work, sdk]))
    config = {
        "compilerOptions": {
            **TS_COMPILER_OPTIONS,
            "rootDir": str(root),
            "outDir": str(out),
            "baseUrl": str(work),
            "paths": {package: [str(sdk / "src" / "index.ts")]},
        },
        "files": [f"samples/{op_id}.ts" for op_id in OPERATIONS],
    }
    (work / "tsconfig.json").write_text(json.dumps(config))
    run([str(tsc), "-p", str(work)], work)
    built = out / work.relative_to(root)
    shim = built / "node_modules" / package
    shim.mkdir(parents=True, exist_ok=True)
    index = out / sdk.relative_to(root) / "src" / "index.js"
    (shim / "index.js").write_text(f"module.exports = require({json.dumps(str(index))});\n")
    return {op_id: [node, str(built / "samples" / f"{op_id}.js")] for op_id in OPERATIONS}


def go_programs(
    sdks: Mapping[str, Path], sdk_root: Path, samples: Mapping[tuple[str, str], str]
) -> dict[str, list[str]]:
    """Every Go sample as a `main` package in the SDK's module, built by one `go build`."""
    go = require("go", "Go is not installed (Debian package `golang-go`, installed by .ci/run)")
    module_dir = sdks["go"]
    env = go_env(sdk_root)  # the SDK tests' settings: no proxy, Go's own build cache
    declare_local_go(module_dir, go, env)
    assert run([go, "list", "-m"], module_dir, **env).strip() == sdk_names().go_module
    packages = []
    for op_id in OPERATIONS:
        program = module_dir / "cmd" / "samples" / op_id / "main.go"
        program.parent.mkdir(parents=True, exist_ok=True)
        program.write_text(samples[op_id, "go"])
        packages.append(f"./cmd/samples/{op_id}")
    binaries = sdk_root / "go-bin"
    run([go, "build", "-o", f"{binaries}/", *packages], module_dir, **env)
    return {op_id: [str(binaries / op_id)] for op_id in OPERATIONS}


def php_programs(
    sdks: Mapping[str, Path], sdk_root: Path, samples: Mapping[tuple[str, str], str]
) -> dict[str, list[str]]:
    """Every PHP sample run from the folder holding the SDK at `sdk/php`, as the sample says.

    The SDK's own `autoload.php` loads it when the generator ships one; otherwise a tiny
    PSR-4 loader in its place reads the SDK's map from composer.json and requires Debian's
    Guzzle autoloaders.
    """
    php = require("php", "php-cli is not installed (Debian package `php-cli`)")
    for autoloader in DEBIAN_PHP_AUTOLOADERS:
        if not Path(autoloader).is_file():
            missing(f"{autoloader} is missing (Debian php-guzzlehttp-guzzle, -psr7)")
    work = sdk_root / "php-work"
    sdk = sdks["php"]
    composer = json.loads((sdk / "composer.json").read_text())
    [(namespace, folder)] = composer["autoload"]["psr-4"].items()
    assert namespace.rstrip("\\") == sdk_names().php_namespace
    loader = work / PHP_AUTOLOADER
    loader.parent.parent.mkdir(parents=True)
    loader.parent.symlink_to(sdk, target_is_directory=True)
    if not loader.is_file():
        requires = "".join(f"require_once '{path}';\n" for path in DEBIAN_PHP_AUTOLOADERS)
        loader.write_text(
            "<?php\n" + requires + "spl_autoload_register(function (string $class): void {\n"
            f"    $prefix = {json.dumps(namespace)};\n"
            "    if (strncmp($class, $prefix, strlen($prefix)) !== 0) { return; }\n"
            f"    $file = __DIR__ . '/{folder.rstrip('/')}/'"
            " . str_replace('\\\\', '/', substr($class, strlen($prefix))) . '.php';\n"
            "    if (is_file($file)) { require $file; }\n"
            "});\n"
        )
    for op_id in OPERATIONS:
        (work / f"{op_id}.php").write_text(samples[op_id, "php"])
    return {op_id: [php, str(work / f"{op_id}.php")] for op_id in OPERATIONS}


BUILDERS = {"typescript": typescript_programs, "go": go_programs, "php": php_programs}


@pytest.fixture(scope="session")
def programs(
    sdks: dict[str, Path], sdk_root: Path, samples: Mapping[tuple[str, str], str]
) -> dict[str, dict[str, list[str]] | BaseException]:
    """language -> (operationId -> command), built side by side; a language whose tool is
    missing holds the skip (or failure) its tests raise."""
    with ThreadPoolExecutor(max_workers=len(BUILDERS)) as pool:
        futures = {
            lang: pool.submit(build, sdks, sdk_root, samples) for lang, build in BUILDERS.items()
        }
    built: dict[str, dict[str, list[str]] | BaseException] = {}
    for language, future in futures.items():
        error = future.exception()
        built[language] = error if error is not None else future.result()
    return built


# --- the tests ------------------------------------------------------------------------------


def test_docs_show_the_rendered_samples_of_the_first_named_example() -> None:
    document = docs_input()
    for op_id, op in spec.operations().items():
        shown = document["paths"][op.path][op.method]["x-codeSamples"]
        assert [s["label"] for s in shown] == [language.label for language in LANGUAGES]
        assert shown == x_code_samples(op_id)
        _, example = docs_example(op_id)
        for sample, language in zip(shown, LANGUAGES, strict=True):
            expected = render(
                op_id, language.key, example, spec.default_base_url(), PLACEHOLDER_API_KEY
            )
            assert sample["source"] == expected
    assert "x-codeSamples" not in json.dumps(spec.load_spec()), "samples live in the docs copy"


def test_an_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'cobol' has no sample template"):
        render("sendSms", "cobol", {}, spec.default_base_url(), API_KEY)


def printed_rc(stdout: str) -> str:
    """The rc a sample printed last, without JSON quotes."""
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    assert lines, "the sample printed nothing"
    return lines[-1].strip('"')


def command_for(language: str, op_id: str, request: pytest.FixtureRequest, source: str) -> Any:
    if language == "curl":
        require("curl", "curl is not installed (Debian package `curl`)")
        return ["bash", "-e", "-c", source]
    if language == "python":
        return [sys.executable, "-c", source]
    built = request.getfixturevalue("programs")[language]
    if isinstance(built, BaseException):
        raise built
    return built[op_id]


@pytest.mark.parametrize("language", [language.key for language in LANGUAGES])
@pytest.mark.parametrize("op_id", OPERATIONS)
def test_sample_runs_against_the_sandbox(
    op_id: str,
    language: str,
    samples: Mapping[tuple[str, str], str],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    source = samples[op_id, language]
    stdout = run(command_for(language, op_id, request, source), tmp_path)
    if language == "curl":
        rc = json.loads(stdout)["rc"]
        assert str(rc) in {"0", "00"}, stdout
        return
    rc = printed_rc(stdout)
    assert rc in {"0", "00"}, stdout
