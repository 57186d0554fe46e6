"""The contract suite: judges any Citcall gateway (the sandbox, a mock, the real one) by rc.

`runner` drives schemathesis with the rc-based `checks`, `otp_flow` adds the OTP round
trip, `receiver` catches callbacks on loopback, `report` prints and writes JUnit. It never
imports the sandbox: only the `verify` command starts one.
"""
