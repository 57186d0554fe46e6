"""A bad command line is one line on stderr and exit 2, for every command (no usage dump)."""

from __future__ import annotations

import pytest

from citcall_contract.cli import COMMANDS, main

BAD_LINES = [
    ([], "the following arguments are required: COMMAND"),
    (["nosuch"], "invalid choice: 'nosuch'"),
    (["sandbox", "--answer-forms", "weird"], "invalid choice: 'weird'"),
    (["verify", "--base-url"], "--base-url: expected one argument"),
    (["trigger"], "the following arguments are required"),
    (["diff", "a.yaml", "b.yaml", "--no-such-option"], "unrecognized arguments: --no-such-option"),
]


@pytest.mark.parametrize(("argv", "reason"), BAD_LINES)
def test_a_bad_command_line_is_one_line_and_exit_2(argv, reason, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert reason in err
    assert "usage:" not in err
    assert "--help" in err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_an_unknown_option_in_one_line(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--surely-not-an-option"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "--surely-not-an-option" in err or "arguments are required" in err, err
    assert err.startswith(f"citcall-contract {command}: ") or err.startswith("citcall-contract: ")


def test_help_still_prints_the_usage(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["sandbox", "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: citcall-contract sandbox")
