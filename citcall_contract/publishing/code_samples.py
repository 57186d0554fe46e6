"""Code samples for the reference docs: one renderer for the page and for the test that runs them.

`render(operation_id, language, example, base_url, api_key)` writes a complete program (or
shell command) that sends `example`, a request body of the spec, to one operation and
prints the answer's `rc`. The docs build renders each operation's first named request
example with the spec's first server and a placeholder key into `x-codeSamples`;
`tests/publishing/docs/test_code_samples.py` renders the same templates with the sandbox's address
and key and runs them. The SDK samples name only API classes, methods and models, and
build the request model from the example's JSON (wire names), so they do not depend on
how a generator shapes a union such as `rc` or `gateway`.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract import spec

#: The key shown in the docs' samples.
PLACEHOLDER_API_KEY = "YOUR_API_KEY"

#: Where the PHP sample loads the SDK from: the Composer-free `autoload.php` of an SDK
#: generated into `sdk/php` (PSR-4 for the SDK, Guzzle from PHP's include path).
PHP_AUTOLOADER = "sdk/php/autoload.php"


@dataclass(frozen=True)
class Language:
    """One tab of the samples: `lang` is Redoc's highlighting name, `label` the tab's title."""

    key: str
    lang: str
    label: str


LANGUAGES: tuple[Language, ...] = (
    Language("curl", "Shell", "curl"),
    Language("python", "Python", "Python"),
    Language("typescript", "TypeScript", "TypeScript"),
    Language("go", "Go", "Go"),
    Language("php", "PHP", "PHP"),
)

#: Operations the facade `citcall_contract.Citcall` sends, and its method for each.
FACADE_METHODS = {
    "asyncMiscall": "miscall",
    "sendSms": "sms",
    "sendSmsOtp": "sms_otp",
    "verifyOtp": "verify",
}


@dataclass(frozen=True)
class SdkNames:
    """Names a generated SDK uses: package, module or namespace, from the generator's settings."""

    typescript_package: str
    go_module: str
    go_package: str
    php_namespace: str


def sdk_names() -> SdkNames:
    """What `citcall-contract sdk` names the generated packages (its defaults, else OpenAPI
    Generator's)."""
    from citcall_contract.publishing.sdk_generator import DEFAULT_PROPERTIES

    go = DEFAULT_PROPERTIES.get("go", {})
    module = (
        f"{go.get('gitHost', 'github.com')}/{go.get('gitUserId', 'GIT_USER_ID')}/"
        f"{go.get('gitRepoId', 'GIT_REPO_ID')}"
    )
    return SdkNames(
        typescript_package=DEFAULT_PROPERTIES.get("typescript-fetch", {}).get(
            "npmName", "citcall-sdk"
        ),
        go_module=module,
        go_package=go.get("packageName", "openapi"),
        php_namespace=DEFAULT_PROPERTIES.get("php", {}).get("invokerPackage", "OpenAPI\\Client"),
    )


# --- names derived from the spec ------------------------------------------------------------


def _tag_words(operation_id: str) -> list[str]:
    tag = str(spec.operation(operation_id).definition["tags"][0])
    return [word for word in re.split(r"[^A-Za-z0-9]+", tag) if word]


def api_class(operation_id: str) -> str:
    """The API class stem for the operation's first tag: `Missed call OTP` -> `MissedCallOTP`."""
    return "".join(word[0].upper() + word[1:] for word in _tag_words(operation_id))


def request_model(operation_id: str) -> str:
    """Name of the request body's schema (`MiscallRequest`), the model name in every SDK."""
    return spec.operation(operation_id).request_schema_ref().rsplit("/", 1)[1]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# --- literals -------------------------------------------------------------------------------


def _python_literal(value: Any) -> str:
    return repr(value)


def _php_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def _go_string(text: str) -> str:
    """A Go string literal: raw (backquotes) when it can be, else an interpreted one."""
    return f"`{text}`" if "`" not in text else json.dumps(text)


def _compact_json(example: Mapping[str, Any]) -> str:
    return json.dumps(dict(example), ensure_ascii=False)


def _json_block(example: Mapping[str, Any], indent: str) -> str:
    """The body as JSON on one line when short, else a field a line (the panel is narrow)."""
    compact = _compact_json(example)
    if len(compact) <= 48:
        return compact
    return json.dumps(dict(example), ensure_ascii=False, indent=2).replace("\n", "\n" + indent)


# --- one template per language ----------------------------------------------------------------


def _curl(operation_id: str, example: Mapping[str, Any], base_url: str, api_key: str) -> str:
    op = spec.operation(operation_id)
    url = base_url.rstrip("/") + op.path
    return "\n".join(
        [
            f"curl -sS -X {op.method.upper()} \\",
            f"  {shlex.quote(url)} \\",
            f"  -H {shlex.quote('Authorization: Apikey ' + api_key)} \\",
            "  -H 'Content-Type: application/json' \\",
            f"  -d {shlex.quote(_compact_json(example))}",
        ]
    )


def _python(operation_id: str, example: Mapping[str, Any], base_url: str, api_key: str) -> str:
    method = FACADE_METHODS.get(operation_id)
    if method is None:
        return _python_generated(operation_id, example, base_url, api_key)
    args = _facade_arguments(method, example)
    options = "" if base_url == spec.default_base_url() else f", base_url={base_url!r}"
    return "\n".join(
        [
            "from citcall_contract import Citcall",
            "",
            f"with Citcall({api_key!r}{options}) as citcall:",
            f"    result = citcall.{method}({args})",
            "    print(result.rc)  # 0 or 00; any other rc raised a CitcallError",
        ]
    )


def _facade_arguments(method: str, example: Mapping[str, Any]) -> str:
    """The facade's call for a request body: required fields positional, the rest by name."""
    body = dict(example)
    if method == "miscall" and "retry" in body:  # the facade names the gateway choice `gateway`
        body["gateway"] = body.pop("retry")
    positional = {
        "miscall": ["msisdn"],
        "sms": ["msisdn", "text"],
        "sms_otp": ["msisdn", "text"],
        "verify": ["trxid", "msisdn", "token"],
    }[method]
    parts = [_python_literal(body.pop(name)) for name in positional]
    parts += [f"{name}={_python_literal(value)}" for name, value in body.items()]
    return ", ".join(parts)


def _python_generated(
    operation_id: str, example: Mapping[str, Any], base_url: str, api_key: str
) -> str:
    """Operations the facade leaves out (`/motp`, the deprecated `/call`): the generated client."""
    module = _snake(operation_id)
    package = "_".join(word.lower() for word in _tag_words(operation_id))
    model = request_model(operation_id)
    return "\n".join(
        [
            "# The facade (citcall_contract.Citcall) sends /asynccall; this operation goes",
            "# through the generated client it is built on.",
            "from citcall_v3_client import AuthenticatedClient",
            f"from citcall_v3_client.api.{package} import {module}",
            f"from citcall_v3_client.models import {model}",
            "",
            "client = AuthenticatedClient(",
            f"    base_url={base_url!r}, token={api_key!r}, prefix='Apikey'",
            ")",
            f"body = {model}.from_dict({_python_literal(dict(example))})",
            f"result = {module}.sync(client=client, body=body)",
            "print(result.rc)  # 0 or 00: success",
        ]
    )


def _typescript(operation_id: str, example: Mapping[str, Any], base_url: str, api_key: str) -> str:
    api = api_class(operation_id) + "Api"
    model = request_model(operation_id)
    parameter = model[0].lower() + model[1:]
    package = sdk_names().typescript_package
    return "\n".join(
        [
            f'import {{ Configuration, {api}, {model}FromJSON }} from "{package}";',
            "",
            f"const api = new {api}(new Configuration({{",
            f"  basePath: {json.dumps(base_url)},",
            f"  apiKey: {json.dumps('Apikey ' + api_key)},  // the scheme's word goes in the key",
            "}));",
            "// The request body in the spec's own (wire) field names.",
            f"const {parameter} = {model}FromJSON({_json_block(example, '')});",
            f"api.{operation_id}({{ {parameter} }}).then((result) => {{",
            '  console.log(JSON.stringify(result.rc));  // 0 or "00": success',
            "});",
        ]
    )


def _go(operation_id: str, example: Mapping[str, Any], base_url: str, api_key: str) -> str:
    names = sdk_names()
    pkg = names.go_package
    model = request_model(operation_id)
    method = operation_id[0].upper() + operation_id[1:]
    service = api_class(operation_id) + "API"
    body = _go_string(_json_block(example, "\t"))
    return "\n".join(
        [
            "package main",
            "",
            "import (",
            '\t"context"',
            '\t"encoding/json"',
            '\t"fmt"',
            '\t"log"',
            "",
            f'\t{pkg} "{names.go_module}"',
            ")",
            "",
            "func main() {",
            f"\tcfg := {pkg}.NewConfiguration()",
            f"\tcfg.Servers = {pkg}.ServerConfigurations{{{{URL: {json.dumps(base_url)}}}}}",
            f"\tclient := {pkg}.NewAPIClient(cfg)",
            f"\tctx := context.WithValue(context.Background(), {pkg}.ContextAPIKeys,",
            f"\t\tmap[string]{pkg}.APIKey{{",
            f'\t\t\t"Apikey": {{Key: {json.dumps(api_key)}, Prefix: "Apikey"}},',
            "\t\t})",
            "",
            "\t// The request body in the spec's own (wire) field names.",
            f"\tpayload := {body}",
            f"\tvar body {pkg}.{model}",
            "\tif err := json.Unmarshal([]byte(payload), &body); err != nil {",
            "\t\tlog.Fatal(err)",
            "\t}",
            f"\tresult, _, err := client.{service}.{method}(ctx).{model}(body).Execute()",
            "\tif err != nil {",
            "\t\tlog.Fatal(err)",
            "\t}",
            "\trc, _ := json.Marshal(result.GetRc())",
            '\tfmt.Println(string(rc)) // 0 or "00": success',
            "}",
        ]
    )


def _php(operation_id: str, example: Mapping[str, Any], base_url: str, api_key: str) -> str:
    namespace = sdk_names().php_namespace
    api = api_class(operation_id) + "Api"
    model = request_model(operation_id)
    fields = [f"    {_php_literal(k)} => {_php_literal(v)}," for k, v in example.items()]
    return "\n".join(
        [
            "<?php",
            f"require {_php_literal(PHP_AUTOLOADER)};  // citcall-contract sdk php -o sdk/php",
            "",
            f"use {namespace}\\Api\\{api};",
            f"use {namespace}\\Configuration;",
            f"use {namespace}\\Model\\{model};",
            "",
            "$config = (new Configuration())",
            f"    ->setHost({_php_literal(base_url)})",
            f"    ->setApiKey('Authorization', {_php_literal(api_key)})",
            "    ->setApiKeyPrefix('Authorization', 'Apikey');",
            f"$api = new {api}(new GuzzleHttp\\Client(), $config);",
            "",
            f"$result = $api->{operation_id}(new {model}([",
            *fields,
            "]));",
            'echo json_encode($result->getRc()), PHP_EOL;  // 0 or "00": success',
        ]
    )


_TEMPLATES: Mapping[str, Callable[[str, Mapping[str, Any], str, str], str]] = {
    "curl": _curl,
    "python": _python,
    "typescript": _typescript,
    "go": _go,
    "php": _php,
}


def render(
    operation_id: str, language: str, example: Mapping[str, Any], base_url: str, api_key: str
) -> str:
    """The sample for one operation in one language, sending `example` to `base_url`."""
    try:
        template = _TEMPLATES[language]
    except KeyError:
        known = ", ".join(_TEMPLATES)
        raise ValueError(f"language: {language!r} has no sample template ({known})") from None
    spec.operation(operation_id)  # a KeyError names an unknown operation
    return template(operation_id, example, base_url, api_key) + "\n"


def docs_example(operation_id: str) -> tuple[str, Mapping[str, Any]]:
    """The named request example the docs' samples send: the first, the one Redoc shows first."""
    examples = spec.operation(operation_id).request_examples()
    name = next(iter(examples))
    return name, examples[name]


def x_code_samples(
    operation_id: str, base_url: str | None = None, api_key: str = PLACEHOLDER_API_KEY
) -> list[dict[str, str]]:
    """The operation's `x-codeSamples` (Redoc's tabs), one per language."""
    _, example = docs_example(operation_id)
    url = base_url if base_url is not None else spec.default_base_url()
    return [
        {
            "lang": language.lang,
            "label": language.label,
            "source": render(operation_id, language.key, example, url, api_key),
        }
        for language in LANGUAGES
    ]
