"""The spec's `servers`, derived by `citcall-contract generate`; never edit by hand.

The client needs its default address at import, before any YAML is parsed; CI's
`citcall-contract generate --check` fails when this differs from the spec.
"""

SERVERS: tuple[str, ...] = (
    "http://104.199.196.122/gateway/v3",
    "https://gateway.citcall.com/v3",
    "https://pub.citcall.com/v3",
)
