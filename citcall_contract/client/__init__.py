"""The runtime client an app imports (base install): the facade, errors, retries, callbacks.

Imports only `spec/`, `core/` and the generated client; never the kit (sandbox, contract, ...).
"""
