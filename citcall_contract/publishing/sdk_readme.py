"""The first screen of a generated SDK's README: install, both auth schemes, reading success.

OpenAPI Generator's README lists endpoints and models but shows neither how Citcall
authenticates (`Apikey <key>`, or Basic `userid:key`) nor that success is `rc` `0` or
`"00"`, which its typed clients keep as sent. `write_readme` puts a short guide, in the
names the SDK was generated with, above the generator's own text. The snippets are the
shapes the conformance programs run (`publishing/conformance/programs/`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

#: The address shown; the sandbox (`citcall-contract sandbox`) is http://127.0.0.1:8090.
GATEWAY = "https://gateway.citcall.com/v3"


def _typescript(names: Mapping[str, str]) -> str:
    package = names.get("npmName", "citcall-sdk")
    return f"""## Install

Node.js 18 or later (the client uses the built-in `fetch`). From this folder:
`npm install && npm run build`, then `npm install /path/to/this/folder` in your app
(or publish it to your registry as `{package}`).

## Authenticate

```ts
import {{ Configuration, MissedCallOTPApi, VerificationApi }} from "{package}";

// Apikey: the scheme's word goes inside the key.
const config = new Configuration({{ basePath: "{GATEWAY}", apiKey: "Apikey YOUR_API_KEY" }});
// Basic: new Configuration({{ basePath: "{GATEWAY}",
//   username: "YOUR_USERID", password: "YOUR_API_KEY" }})
```

## Send, verify, and read success

```ts
const sent = await new MissedCallOTPApi(config).asyncMiscall({{
  miscallRequest: {{ msisdn: "6281234567890", gateway: 0, validTime: 300 }},
}});
if (Number(sent.rc) === 0) {{  // rc is 0 or "00" on success (number | string)
  const checked = await new VerificationApi(config).verifyOtp({{
    verifyRequest: {{ trxid: sent.trxid!, msisdn: "6281234567890", token: typedCode }},
  }});
  const valid = Number(checked.rc) === 0;  // /verify answers "00"
}}
```
"""


def _go(names: Mapping[str, str]) -> str:
    module = "/".join(
        names.get(key, default)
        for key, default in (
            ("gitHost", "github.com"),
            ("gitUserId", "GIT_USER_ID"),
            ("gitRepoId", "GIT_REPO_ID"),
        )
    )
    package = names.get("packageName", "openapi")
    return f"""## Install

Standard library only (Go 1.19+). In your `go.mod`: `require {module} v0.0.0` with
`replace {module} => /path/to/this/folder`, or publish this folder at `{module}`.

## Authenticate

```go
import (
\t"context"

\t{package} "{module}"
)

cfg := {package}.NewConfiguration()
cfg.Servers = {package}.ServerConfigurations{{{{URL: "{GATEWAY}"}}}}
client := {package}.NewAPIClient(cfg)
// Apikey
ctx := context.WithValue(context.Background(), {package}.ContextAPIKeys,
\tmap[string]{package}.APIKey{{"Apikey": {{Key: "YOUR_API_KEY", Prefix: "Apikey"}}}})
// Basic: context.WithValue(context.Background(), {package}.ContextBasicAuth,
// \t{package}.BasicAuth{{UserName: "YOUR_USERID", Password: "YOUR_API_KEY"}})
```

## Send, verify, and read success

```go
req := {package}.NewMiscallRequest("6281234567890")
req.SetGateway({package}.GatewayNumber{{Int32: {package}.PtrInt32(0)}})
req.SetValidTime(300)
sent, _, err := client.MissedCallOTPAPI.AsyncMiscall(ctx).MiscallRequest(*req).Execute()
if err == nil && sent.Rc.IsSuccess() {{ // rc 0 or "00"; sent.Rc.Code() gives the number
\tcheck := {package}.NewVerifyRequest("6281234567890", sent.GetTrxid(), typedCode)
\tres, _, err := client.VerificationAPI.VerifyOtp(ctx).VerifyRequest(*check).Execute()
\tvalid := err == nil && res.Rc.IsSuccess() // /verify answers "00"
\t_ = valid
}}
```
"""


def _php(names: Mapping[str, str]) -> str:
    namespace = names.get("invokerPackage", "OpenAPI\\Client")
    composer = names.get("composerPackageName", "")
    with_composer = f"`composer require {composer}` once published, or " if composer else ""
    return f"""## Install

PHP 8.1+ with Guzzle 7. {with_composer}without Composer: `require 'autoload.php';` from
this folder (it loads the SDK by PSR-4, and Guzzle from PHP's include path, e.g. Debian's
`php-guzzlehttp-guzzle` and `php-guzzlehttp-psr7`).

## Authenticate

```php
require 'autoload.php';

use {namespace}\\Configuration;

// Apikey
$config = (new Configuration())->setHost('{GATEWAY}')
    ->setApiKey('Authorization', 'YOUR_API_KEY')->setApiKeyPrefix('Authorization', 'Apikey');
// Basic: (new Configuration())->setHost('{GATEWAY}')
//     ->setUsername('YOUR_USERID')->setPassword('YOUR_API_KEY')
```

## Send, verify, and read success

```php
use {namespace}\\Api\\MissedCallOTPApi;
use {namespace}\\Api\\VerificationApi;
use {namespace}\\Model\\MiscallRequest;
use {namespace}\\Model\\VerifyRequest;

$sent = (new MissedCallOTPApi(null, $config))->asyncMiscall(
    new MiscallRequest(['msisdn' => '6281234567890', 'gateway' => 0, 'valid_time' => 300]));
if ((int) $sent->getRc() === 0) {{  // rc is 0 or "00" on success (the scalar as sent)
    $res = (new VerificationApi(null, $config))->verifyOtp(new VerifyRequest(
        ['trxid' => $sent->getTrxid(), 'msisdn' => '6281234567890', 'token' => $typedCode]));
    $valid = (int) $res->getRc() === 0;  // /verify answers "00"
}}
```
"""


def _python(names: Mapping[str, str]) -> str:
    package = names.get("packageName", "openapi_client")
    return f"""## Install

Python 3.10+ (pydantic 2, urllib3 2): `pip install /path/to/this/folder`
(or publish it as `{names.get("projectName", package)}`).

## Authenticate

```python
import {package}

# Apikey
config = {package}.Configuration(
    host="{GATEWAY}", api_key={{"Apikey": "YOUR_API_KEY"}}, api_key_prefix={{"Apikey": "Apikey"}}
)
# Basic: {package}.Configuration(host="{GATEWAY}", username="YOUR_USERID", password="YOUR_API_KEY")
```

## Send, verify, and read success

```python
with {package}.ApiClient(config) as api:
    sent = {package}.MissedCallOTPApi(api).async_miscall(
        {package}.MiscallRequest(msisdn="6281234567890", gateway=0, valid_time=300)
    )
    if int(sent.rc) == 0:  # rc is 0 or "00" on success (the scalar as sent)
        res = {package}.VerificationApi(api).verify_otp(
            {package}.VerifyRequest(trxid=sent.trxid, msisdn="6281234567890", token=typed_code)
        )
        valid = int(res.rc) == 0  # /verify answers "00"
```

A request built from the gateway's JSON, `{package}.MiscallRequest.from_dict({{...}})`, sends
only the fields it was given.
"""


_GUIDES: Mapping[str, Callable[[Mapping[str, str]], str]] = {
    "typescript-fetch": _typescript,
    "go": _go,
    "php": _php,
    "python": _python,
}


def readme_guide(generator: str, names: Mapping[str, str]) -> str | None:
    """The guide for an SDK generated with `names` (its settings); None for other generators."""
    guide = _GUIDES.get(generator)
    if guide is None:
        return None
    return (
        "# Citcall gateway SDK\n\n"
        "A client for the Citcall v3 gateway (missed-call OTP, SMS, SMS OTP), generated by "
        "citcall-contract from its OpenAPI contract. Every answer carries `rc`: `0` or "
        '`"00"` is success, any other code is a refusal (the `ResponseCode` names say '
        "which). Against the local sandbox (`citcall-contract sandbox`), use "
        "`http://127.0.0.1:8090` and the key `sandbox-key`.\n\n" + guide(names)
    )


def write_readme(generator: str, output: Path, names: Mapping[str, str]) -> None:
    """Put the guide above the generator's README in `output` (other generators: unchanged)."""
    guide = readme_guide(generator, names)
    if guide is None:
        return
    readme = output / "README.md"
    generated = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    rest = "\n".join(generated.splitlines()[1:]).strip()  # the generator's own title goes
    tail = f"\n\n## The generator's reference\n\n{rest}\n" if rest else "\n"
    readme.write_text(guide.rstrip() + tail, encoding="utf-8")
