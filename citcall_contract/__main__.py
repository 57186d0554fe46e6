"""`python -m citcall_contract` runs the command-line tool."""

import sys

from citcall_contract.cli import main

sys.exit(main())
