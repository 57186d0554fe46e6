"""The sub-commands of `citcall-contract`, one module each (see `citcall_contract.cli`)."""
