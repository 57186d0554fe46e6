"""citcall-contract: the Citcall v3 gateway API as an OpenAPI 3.1 contract, with a typed
client, a sandbox and contract tests derived from it."""

__version__ = "0.1.0"

# Python client (facade over the generated client). The names are loaded on first use
# (PEP 562), so the CLI, and `lint` of a broken spec, start without loading the spec.
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citcall_contract.callbacks import (
        CallbackReport,
        MissedCallReport,
        SmsReport,
        parse_callback,
    )
    from citcall_contract.client import AsyncCitcall, Citcall
    from citcall_contract.errors import (
        CallbackError,
        CitcallAPIError,
        CitcallAuthError,
        CitcallBalanceError,
        CitcallConnectionError,
        CitcallError,
        CitcallInputError,
        CitcallInvalidRequestError,
        CitcallOutcomeUnknownError,
        CitcallResponseError,
        CitcallUnavailableError,
        CitcallUnknownError,
        CitcallVerificationError,
    )
    from citcall_contract.retry import RetryPolicy

__all__ = [
    "AsyncCitcall",
    "CallbackError",
    "CallbackReport",
    "Citcall",
    "CitcallAPIError",
    "CitcallAuthError",
    "CitcallBalanceError",
    "CitcallConnectionError",
    "CitcallError",
    "CitcallInputError",
    "CitcallInvalidRequestError",
    "CitcallOutcomeUnknownError",
    "CitcallResponseError",
    "CitcallUnavailableError",
    "CitcallUnknownError",
    "CitcallVerificationError",
    "MissedCallReport",
    "RetryPolicy",
    "SmsReport",
    "__version__",
    "parse_callback",
]
_MODULES = {"Citcall": "client", "AsyncCitcall": "client", "RetryPolicy": "retry"}
_MODULES |= dict.fromkeys(
    ("parse_callback", "CallbackReport", "MissedCallReport", "SmsReport"), "callbacks"
)


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'citcall_contract' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f"citcall_contract.{_MODULES.get(name, 'errors')}")
    return getattr(module, name)


# End of the Python client's exports.
