"""Publishing the spec: the reference docs and their code samples, SDKs and their conformance.

Imports `spec/`, `core/` and `client/`; never the sandbox, the contract tools or the fixtures.
"""
