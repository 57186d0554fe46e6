"""citcall-contract: the Citcall v3 gateway API as an OpenAPI 3.1 contract, with a typed
client, a sandbox and contract tests derived from it."""

__version__ = "0.1.0"

# Python client (facade over the generated client). The names are loaded on first use
# (PEP 562), so the CLI, and `lint` of a broken spec, start without loading the spec.
import typing as _typing

if _typing.TYPE_CHECKING:
    from citcall_contract.client.callback_reports import (
        CallbackReport,
        MissedCallReport,
        SmsReport,
        parse_callback,
    )
    from citcall_contract.client.errors import (
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
        error_class_for,
    )
    from citcall_contract.client.facade import AsyncCitcall, Citcall
    from citcall_contract.client.retry import RetryPolicy, sleeping_with

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
    "error_class_for",
    "parse_callback",
    "sleeping_with",
]
#: Where each public name lives (everything else is in `client.errors`).
_HOMES = {
    "Citcall": "client.facade",
    "AsyncCitcall": "client.facade",
    "RetryPolicy": "client.retry",
    "sleeping_with": "client.retry",
}
_HOMES |= dict.fromkeys(
    ("parse_callback", "CallbackReport", "MissedCallReport", "SmsReport"), "client.callback_reports"
)
#: Module paths an earlier README named (`citcall_contract.retry.sleeping_with`, ...).
_MOVED_MODULES = {"retry": "client.retry", "errors": "client.errors", "answers": "client.answers"}


def __getattr__(name: str) -> _typing.Any:
    import importlib

    if name in _MOVED_MODULES:
        return importlib.import_module(f"citcall_contract.{_MOVED_MODULES[name]}")
    if name not in __all__:
        raise AttributeError(f"module 'citcall_contract' has no attribute {name!r}")
    module = importlib.import_module(f"citcall_contract.{_HOMES.get(name, 'client.errors')}")
    return getattr(module, name)


def __dir__() -> list[str]:
    """The public names, though they are loaded on first use."""
    return sorted(__all__)
