"""The test suite; its folders mirror the package's layers, its data lives in `data/`."""

from pathlib import Path

#: The checkout the tests run from.
REPO = Path(__file__).resolve().parent.parent
