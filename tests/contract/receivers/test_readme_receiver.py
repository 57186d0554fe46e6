"""The docs' receiver example (docs/guides/callbacks.md) is this folder's `readme_receiver.py`,
and it passes."""

from __future__ import annotations

from pathlib import Path

from citcall_contract.cli import main
from citcall_contract.contract.receivers.suite import SuiteSettings, run_suite
from tests import REPO

from . import readme_receiver
from .conftest import serving_asgi

GUIDE = REPO / "docs" / "guides" / "callbacks.md"


def test_the_callbacks_guide_shows_this_receiver_verbatim():
    code = Path(readme_receiver.__file__).read_text(encoding="utf-8")
    assert f"```python\n{code}```" in GUIDE.read_text(encoding="utf-8")


def test_the_readme_receiver_passes_with_transactions_it_knows():
    def new_transaction(kind: str) -> str:
        trxid = f"5{len(readme_receiver.SENT):08d}"
        readme_receiver.SENT.add(trxid)
        return trxid

    result = run_suite(
        readme_receiver.app,
        SuiteSettings(max_examples=3, seed=1, make_trxid=new_transaction, paths=_paths()),
    )
    assert result.ok, result.report()
    assert set(readme_receiver.STATUS) == readme_receiver.SENT


def test_the_readme_command_passes_over_loopback(capsys):
    with serving_asgi(readme_receiver.app) as base:
        url = base + "/hooks/citcall/{alias}"
        assert main(["verify-receiver", url, "--max-examples", "3", "--seed", "1"]) == 0
    assert "passed:" in capsys.readouterr().out


def _paths() -> dict[str, str]:
    return {
        "missedCallStatus": "/hooks/citcall/missed-call",
        "smsStatus": "/hooks/citcall/sms",
        "smsOtpStatus": "/hooks/citcall/sms-otp",
    }
