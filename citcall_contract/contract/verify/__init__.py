"""`verify`: the outbound suite. schemathesis with rc-based checks, the OTP round trip,
a bounded relay, a loopback callback sink and the report. Imports the layers below only.
"""
