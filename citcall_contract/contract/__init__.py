"""The contract tools, one folder per job: `verify`, `receivers`, `traffic`, `compat`.

They judge any gateway, the real one included: import `spec/`, `core/` and `client/`,
never the sandbox (only the `verify` command starts one).
"""
