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
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from citcall_contract.publishing.sdk_readme import write_readme
from citcall_contract.publishing.sdk_view import NOT_NULL, write_sdk_view
from citcall_contract.spec import load_spec

#: The version pinned in pyproject's dev extra; its jar is what the tests prove.
GENERATOR_VERSION = "7.26.0"

#: Every Java network path goes to 127.0.0.1:9, where nothing listens.
OFFLINE_JAVA_OPTIONS = [
    f"-D{scheme}.{key}={value}"
    for scheme in ("http", "https")
    for key, value in (("proxyHost", "127.0.0.1"), ("proxyPort", "9"), ("nonProxyHosts", ""))
] + ["-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9", "-Djava.awt.headless=true"]

#: The names a team would publish each SDK under (the generator's defaults are
#: placeholders: `OpenAPI\Client`, `github.com/GIT_USER_ID/GIT_REPO_ID`, `openapi_client`).
#: `--additional-properties` on the command line overrides any of them.
DEFAULT_PROPERTIES: Mapping[str, Mapping[str, str]] = {
    "python": {
        "packageName": "citcall_gateway",
        "projectName": "citcall-gateway",
        "gitUserId": "citcall",
        "gitRepoId": "citcall-python",
    },
    "go": {
        "packageName": "citcall",
        "gitHost": "github.com",
        "gitUserId": "citcall",
        "gitRepoId": "citcall-go",
    },
    "typescript-fetch": {
        "npmName": "@citcall/gateway",
        "gitUserId": "citcall",
        "gitRepoId": "citcall-typescript",
    },
    "php": {
        "invokerPackage": "Citcall\\Gateway",
        "composerPackageName": "citcall/gateway",
        "gitUserId": "citcall",
        "gitRepoId": "citcall-php",
    },
}

#: Settings the generator reads from its own options, not `--additional-properties` (Go's
#: module path is `gitHost/gitUserId/gitRepoId`).
GIT_OPTIONS: Mapping[str, str] = {
    "gitHost": "--git-host",
    "gitUserId": "--git-user-id",
    "gitRepoId": "--git-repo-id",
}

#: The settings that carry the package's version, per generator: the spec's `info.version`.
VERSION_PROPERTIES: Mapping[str, str] = {
    "python": "packageVersion",
    "go": "packageVersion",
    "typescript-fetch": "npmVersion",
    "php": "artifactVersion",
}

#: Generated test stubs need third-party test libraries (Go's testify, for one); skip them.
GLOBAL_PROPERTIES = "apiTests=false,modelTests=false"

#: Files the kit adds to an SDK, rendered by the generator from `sdk_templates/<generator>/`
#: (template -> file written): Go's readers for `rc` and `price`, PHP's Composer-free loader.
SUPPORTING_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "go": {"citcall_helpers.mustache": "citcall_helpers.go"},
    "php": {"autoload.mustache": "autoload.php"},
}

#: Changes to the generator's own templates (template in the jar -> (text, replacement)).
#: An untyped property is nullable to the generator, so a model built from a dict without
#: `retry` sent `"retry": null` (PHP's deserializer sets absent nullable properties to
#: null; Python's `from_dict` sets every field), which the gateway refuses (rc 7). A
#: property marked `NOT_NULL` is written only when it has a value.
TEMPLATE_PATCHES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "python": {
        "model_generic.mustache": (
            "        {{#allVars}}\n        {{#isNullable}}\n        # set to None if {{{name}}}",
            "        {{#allVars}}\n        {{#isNullable}}{{^vendorExtensions."
            + NOT_NULL
            + "}}\n        # set to None if {{{name}}}",
        ),
    },
    "php": {
        "model_generic.mustache": (
            "{{#vars}}'{{name}}' => {{#isNullable}}true{{/isNullable}}",
            "{{#vars}}'{{name}}' => {{#isNullable}}"
            f"{{{{#vendorExtensions.{NOT_NULL}}}}}false{{{{/vendorExtensions.{NOT_NULL}}}}}"
            f"{{{{^vendorExtensions.{NOT_NULL}}}}}true{{{{/vendorExtensions.{NOT_NULL}}}}}"
            "{{/isNullable}}",
        ),
    },
}
#: Where each patched section ends (the Python one closes the section opened above).
_PATCH_ENDS: Mapping[str, tuple[str, str]] = {
    "python": (
        "            _dict[{{#lambda.pythonSingleQuotedStringLiteral}}{{{baseName}}}"
        "{{/lambda.pythonSingleQuotedStringLiteral}}] = None\n\n        {{/isNullable}}\n"
        "        {{/allVars}}\n        return _dict",
        "            _dict[{{#lambda.pythonSingleQuotedStringLiteral}}{{{baseName}}}"
        "{{/lambda.pythonSingleQuotedStringLiteral}}] = None\n\n"
        "        {{/vendorExtensions." + NOT_NULL + "}}{{/isNullable}}\n"
        "        {{/allVars}}\n        return _dict",
    ),
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


def settings_for(generator: str, properties: Mapping[str, str] | None = None) -> dict[str, str]:
    """The generator's settings: the kit's names and the spec's version, then `properties`."""
    settings = dict(DEFAULT_PROPERTIES.get(generator, {}))
    version_key = VERSION_PROPERTIES.get(generator)
    if version_key is not None:
        settings[version_key] = str(load_spec()["info"]["version"])
    return {**settings, **(properties or {})}


def generate(generator: str, output: Path, properties: Mapping[str, str] | None = None) -> Path:
    """Generate an SDK with `generator` from the SDK view into `output`; returns `output`.

    The SDK's README then starts with how to install it, authenticate both ways and read
    success (`sdk_readme`).
    """
    check_generator(generator)
    settings = settings_for(generator, properties)
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
        options = {key: value for key, value in settings.items() if key in GIT_OPTIONS}
        for key, value in options.items():
            arguments += [GIT_OPTIONS[key], value]
        pairs = ",".join(f"{k}={v}" for k, v in settings.items() if k not in GIT_OPTIONS)
        if pairs:
            arguments += ["--additional-properties", pairs]
        arguments += _template_arguments(generator, Path(tmp))
        result = _run(arguments)
    if result.returncode != 0:
        raise GeneratorError(
            f"openapi-generator {generator} failed (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr)[-4000:]}"
        )
    write_readme(generator, output, settings)
    return output


def _template_arguments(generator: str, tmp: Path) -> list[str]:
    """`--template-dir` (the kit's templates and patched generator templates) and a `files`
    config that adds the kit's files for `generator`."""
    files = SUPPORTING_TEMPLATES.get(generator, {})
    patches = TEMPLATE_PATCHES.get(generator, {})
    if not files and not patches:
        return []
    templates = tmp / "templates"
    templates.mkdir()
    kit = Path(str(importlib.resources.files("citcall_contract.publishing") / "sdk_templates"))
    for name in files:
        shutil.copy(kit / generator / name, templates / name)
    for name, (text, replacement) in patches.items():
        (templates / name).write_text(_patched(generator, name, text, replacement), "utf-8")
    arguments = ["--template-dir", str(templates)]
    if files:
        config = tmp / "generator-config.json"
        entries = {
            template: {"templateType": "SupportingFiles", "destinationFilename": target}
            for template, target in files.items()
        }
        config.write_text(json.dumps({"files": entries}), encoding="utf-8")
        arguments += ["--config", str(config)]
    return arguments


def _patched(generator: str, name: str, text: str, replacement: str) -> str:
    """The jar's `generator/name` template with `text` replaced (and its section closed)."""
    with zipfile.ZipFile(_jar()) as jar:
        source = jar.read(f"{generator}/{name}").decode("utf-8")
    edits = [(text, replacement)]
    if generator in _PATCH_ENDS:
        edits.append(_PATCH_ENDS[generator])
    for old, new in edits:
        if source.count(old) != 1:
            raise GeneratorError(
                f"the {generator} template {name} of openapi-generator {GENERATOR_VERSION} "
                "changed: the kit's patch no longer applies"
            )
        source = source.replace(old, new)
    return source
