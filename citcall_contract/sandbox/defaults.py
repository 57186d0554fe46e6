"""Defaults that the command line shows in `--help`: kept free of heavy imports."""

from __future__ import annotations

#: The key the sandbox accepts unless told otherwise. A test value, not a secret: real
#: keys never belong in a sandbox.
DEFAULT_API_KEY = "sandbox-key"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090
#: Environment variable that may hold the API key, so it need not be on the command line.
API_KEY_ENV = "CITCALL_SANDBOX_API_KEY"
#: `--answer-forms`: one form per field (the spec's examples), or every form in turn.
CANONICAL_FORMS = "canonical"
VARIED_FORMS = "varied"
ANSWER_FORM_MODES = (CANONICAL_FORMS, VARIED_FORMS)
