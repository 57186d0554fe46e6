"""Run the pinned OpenAPI Generator (PyPI `openapi-generator-cli`) on the SDK view of the spec.

The PyPI package bundles the generator's jar, so nothing is downloaded: the jar runs on
the machine's Java. Java's proxies point at a closed local port, so the generator cannot
reach the network even if a future option asked it to. For Go and PHP the generator also
renders the kit's own templates (`sdk_templates/<generator>/`) into the SDK: Go's readers
for `rc` and `price`, and a Composer-free `autoload.php` for PHP.
"""

from __future__ import annotations

import difflib
import functools
import importlib.metadata
import importlib.resources
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from citcall_contract.publishing.sdk_view import write_sdk_view

#: The version pinned in pyproject's dev extra; its jar is what the tests prove.
GENERATOR_VERSION = "7.26.0"

#: Every Java network path goes to 127.0.0.1:9, where nothing listens.
OFFLINE_JAVA_OPTIONS = [
    f"-D{scheme}.{key}={value}"
    for scheme in ("http", "https")
    for key, value in (("proxyHost", "127.0.0.1"), ("proxyPort", "9"), ("nonProxyHosts", ""))
] + ["-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9", "-Djava.awt.headless=true"]

#: Names for the generated package where the generator's default is a placeholder.
#: `--additional-properties` on the command line overrides them.
DEFAULT_PROPERTIES: Mapping[str, Mapping[str, str]] = {
    "python": {"packageName": "citcall_sdk", "projectName": "citcall-sdk"},
    "go": {"packageName": "citcall"},
    "typescript-fetch": {"npmName": "citcall-sdk"},
}

#: Generated test stubs need third-party test libraries (Go's testify, for one); skip them.
GLOBAL_PROPERTIES = "apiTests=false,modelTests=false"

#: Files the kit adds to an SDK, rendered by the generator from `sdk_templates/<generator>/`
#: (template -> file written): Go's readers for `rc` and `price`, PHP's Composer-free loader.
SUPPORTING_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "go": {"citcall_helpers.mustache": "citcall_helpers.go"},
    "php": {"autoload.mustache": "autoload.php"},
}


class GeneratorError(RuntimeError):
    """The generator is missing, the wrong version, unknown, or failed."""


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    candidate = Path(home) / "bin" / "java" if home else None
    if candidate is not None and candidate.is_file():
        return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise GeneratorError("Java is not installed (OpenAPI Generator needs Java 11 or later)")
    return found


def _jar() -> Path:
    try:
        version = importlib.metadata.version("openapi-generator-cli")
    except importlib.metadata.PackageNotFoundError:
        raise GeneratorError(
            f"openapi-generator-cli {GENERATOR_VERSION} is not installed; "
            "install the dev extra: pip install -e '.[dev]'"
        ) from None
    if version != GENERATOR_VERSION:
        raise GeneratorError(
            f"openapi-generator-cli {GENERATOR_VERSION} is pinned, found {version}"
        )
    jar = Path(str(importlib.resources.files("openapi_generator_cli") / "openapi-generator.jar"))
    if not jar.is_file():
        raise GeneratorError(f"the openapi-generator-cli package has no bundled jar at {jar}")
    return jar


def _run(arguments: Sequence[str]) -> subprocess.CompletedProcess[str]:
    command = [_java(), *OFFLINE_JAVA_OPTIONS, "-jar", str(_jar()), *arguments]
    env = {key: value for key, value in os.environ.items() if key != "JAVA_OPTS"}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@functools.cache
def known_generators() -> frozenset[str]:
    """The generator names the pinned jar knows (`list --short`)."""
    result = _run(["list", "--short"])
    if result.returncode != 0:
        raise GeneratorError(f"openapi-generator list failed:\n{result.stderr[-2000:]}")
    return frozenset(name.strip() for name in result.stdout.split(",") if name.strip())


def check_generator(name: str) -> None:
    """Refuse a name the jar does not know, suggesting the nearest ones."""
    known = known_generators()
    if name in known:
        return
    near = difflib.get_close_matches(name, sorted(known), n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise GeneratorError(
        f"unknown generator {name!r}{hint} "
        f"({len(known)} generators: `java -jar openapi-generator.jar list`)"
    )


def parse_properties(values: Sequence[str]) -> dict[str, str]:
    """`["a=1,b=2", "c=3"]` -> `{"a": "1", "b": "2", "c": "3"}`; ValueError names a bad item."""
    properties: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            key, sep, setting = item.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"--additional-properties: expected KEY=VALUE, got {item!r}")
            properties[key.strip()] = setting.strip()
    return properties


def generate(generator: str, output: Path, properties: Mapping[str, str] | None = None) -> Path:
    """Generate an SDK with `generator` from the SDK view into `output`; returns `output`."""
    check_generator(generator)
    settings = {**DEFAULT_PROPERTIES.get(generator, {}), **(properties or {})}
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="citcall-sdk-") as tmp:
        view = write_sdk_view(Path(tmp), generator)
        arguments = [
            "generate",
            "--input-spec",
            str(view),
            "--generator-name",
            generator,
            "--output",
            str(output),
            "--global-property",
            GLOBAL_PROPERTIES,
        ]
        if settings:
            pairs = ",".join(f"{key}={value}" for key, value in settings.items())
            arguments += ["--additional-properties", pairs]
        arguments += _template_arguments(generator, Path(tmp))
        result = _run(arguments)
    if result.returncode != 0:
        raise GeneratorError(
            f"openapi-generator {generator} failed (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr)[-4000:]}"
        )
    return output


def _template_arguments(generator: str, tmp: Path) -> list[str]:
    """`--template-dir` and a `files` config that add the kit's files for `generator`."""
    files = SUPPORTING_TEMPLATES.get(generator)
    if not files:
        return []
    templates = Path(
        str(importlib.resources.files("citcall_contract.publishing") / "sdk_templates")
    )
    config = tmp / "generator-config.json"
    entries = {
        template: {"templateType": "SupportingFiles", "destinationFilename": target}
        for template, target in files.items()
    }
    config.write_text(json.dumps({"files": entries}), encoding="utf-8")
    return ["--template-dir", str(templates / generator), "--config", str(config)]
