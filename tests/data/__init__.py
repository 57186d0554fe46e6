"""The tests' data, in one folder: recorded gateway bodies, the seed's tables, a PHP client."""

from pathlib import Path

DATA = Path(__file__).resolve().parent
#: Gateway answers as recorded (`<operationId>/*.json`), also read by `citcall-contract compat`.
RECORDED = DATA / "recorded"
#: Tables and examples transcribed from the seed document.
SEED = DATA / "spec"
#: A client written the way Citcall's PHP SDK 3.4 builds its requests.
PHP = DATA / "php"
