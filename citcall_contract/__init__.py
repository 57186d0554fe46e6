"""citcall-contract: the Citcall v3 gateway API as an OpenAPI 3.1 contract, with a typed
client, a sandbox and contract tests derived from it."""

__version__ = "0.1.0"
