"""Sub-commands of `citcall-contract` that work on the source tree (lint, generate, docs, sdk)."""
