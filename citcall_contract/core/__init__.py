"""The small shared bottom: hosts, auth headers, redaction, strict JSON, serving, delivery.

Used by every layer above; imports only the standard library, `spec/` and third-party code.
"""
