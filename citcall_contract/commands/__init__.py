"""The sub-commands of `citcall-contract`, one module each (see `citcall_contract.cli`).

The top: each imports only the standard library at import and its layer inside `run`.
"""
