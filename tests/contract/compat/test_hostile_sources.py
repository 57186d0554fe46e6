"""diff, compat and release against hostile input: option-shaped revisions, malformed specs,
alias bombs, unreadable recordings. Each is refused in one line with exit 2 (could not
check), never a traceback and never exit 1 (which `--fail-on breaking` means)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from citcall_contract.cli import main
from citcall_contract.core.checkout import source_spec

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def one_line_refusal(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the spec (one commit), the current directory."""
    repo = tmp_path / "repo"
    (repo / "openapi").mkdir(parents=True)
    shutil.copy(source_spec(), repo / "openapi" / "citcall-v3.yaml")
    (repo / "pyproject.toml").write_text("", encoding="utf-8")
    for args in (
        ["init", "-q"],
        ["config", "user.email", "t@example.com"],
        ["config", "user.name", "t"],
        ["add", "."],
        ["commit", "-qm", "one"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    monkeypatch.chdir(repo)
    return repo


# --- item 10: arguments are data, never options for git ---


@needs_git
@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "--", "--output={target}:x", "HEAD"],
        ["diff", "HEAD", "--", "--output={target}"],
        ["diff", "--", "--output={target}", "HEAD"],
        ["compat", "--against=--output={target}", "--instances", "0"],
        ["compat", "--against=--output={target}:openapi/citcall-v3.yaml", "--instances", "0"],
    ],
)
def test_an_option_shaped_revision_writes_nothing(
    argv: list[str], checkout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "written-by-git"
    assert main([arg.format(target=target) for arg in argv]) == 2
    err = one_line_refusal(capsys)
    assert "may not start with '-'" in err
    assert not list(tmp_path.glob("written-by-git*"))


@needs_git
def test_revisions_are_resolved_before_use(checkout: Path, capsys) -> None:
    assert main(["diff", "HEAD", "HEAD:openapi/citcall-v3.yaml", "--instances", "0"]) == 0
    capsys.readouterr()
    for source in ("HEAD~5", "no-such-ref", ":openapi/citcall-v3.yaml", "HEAD:no/such.yaml"):
        assert main(["diff", source, "HEAD", "--instances", "0"]) == 2, source
        assert source in one_line_refusal(capsys)


def test_a_revision_with_control_characters_is_shown_escaped(capsys) -> None:
    assert main(["diff", "\x1b]0;pwned\x07", str(source_spec())]) == 2
    err = one_line_refusal(capsys)
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "\\x1b]0;pwned\\x07" in err


# --- item 11: a malformed spec is "could not check", in one line ---


def _dangling(document: dict[str, Any]) -> None:
    document["paths"]["/sms"]["post"]["responses"]["200"] = {"$ref": "#/nope"}


MALFORMED: dict[str, Callable[[dict[str, Any]], None]] = {
    "paths: 5": lambda d: d.update(paths=5),
    "webhooks: 5": lambda d: d.update(webhooks=5),
    "info: 7": lambda d: d.update(info=7),
    "schemas: [1, 2]": lambda d: d["components"].update(schemas=[1, 2]),
    "dangling $ref": _dangling,
    "a path item that is a list": lambda d: d["paths"].update({"/sms": [1]}),
    "a schema type that is no type": lambda d: d["components"]["schemas"]["Rc"].update(type="x"),
    "security scopes that are no list": lambda d: d.update(security=[{"Basic": 5}]),
    "a server without url": lambda d: d["servers"].append({"description": "x"}),
    "a remote $ref": lambda d: d["components"]["schemas"].update(X={"$ref": "other.yaml#/X"}),
    "x-national-digits rows without bounds": lambda d: d["components"]["schemas"][
        "RequestMsisdn"
    ].update({"x-national-digits": [1.5]}),
}


@pytest.fixture(scope="module")
def malformed_files(
    tmp_path_factory: pytest.TempPathFactory, base_spec: dict[str, Any]
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("malformed")
    files = {}
    for index, (name, change) in enumerate(MALFORMED.items()):
        document = copy.deepcopy(base_spec)
        change(document)
        files[name] = folder / f"malformed-{index}.yaml"
        files[name].write_text(json.dumps(document), encoding="utf-8")
    files["not UTF-8"] = folder / "latin1.yaml"
    files["not UTF-8"].write_bytes(
        source_spec().read_bytes().replace(b"title:", b"title: caf\xe9", 1)
    )
    files["a YAML list"] = folder / "list.yaml"
    files["a YAML list"].write_text("- openapi\n", encoding="utf-8")
    return files


@pytest.mark.parametrize("name", [*MALFORMED, "not UTF-8", "a YAML list"])
@pytest.mark.parametrize("side", ["old", "new"])
def test_a_malformed_spec_is_one_line_and_exit_2(
    name: str, side: str, malformed_files: dict[str, Path], capsys
) -> None:
    good, bad = str(source_spec()), str(malformed_files[name])
    pair = [bad, good] if side == "old" else [good, bad]
    assert main(["diff", *pair, "--fail-on", "breaking", "--instances", "0"]) == 2
    assert bad in one_line_refusal(capsys)


def test_the_malformed_place_is_named(malformed_files: dict[str, Path], capsys) -> None:
    expected = {
        "paths: 5": "#/paths must be a map, not 5",
        "schemas: [1, 2]": "#/components/schemas must be a map, not a list",
        "dangling $ref": "'#/nope' points to nothing",
        "not UTF-8": "not UTF-8",
    }
    for name, words in expected.items():
        assert main(["diff", str(source_spec()), str(malformed_files[name])]) == 2
        assert words in capsys.readouterr().err, name


def test_the_spec_itself_is_well_formed(base_spec: dict[str, Any]) -> None:
    from citcall_contract.contract.compat import wellformed

    assert wellformed.problem(base_spec) is None


def test_deep_nesting_is_refused_before_any_walk(tmp_path: Path, base_spec, capsys) -> None:
    document = copy.deepcopy(base_spec)
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(400):
        deep = {"type": "array", "items": deep}
    document["components"]["schemas"]["SmsRequest"]["properties"]["deep"] = deep
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["diff", str(source_spec()), str(path), "--instances", "0"]) == 2
    assert "nested deeper than" in one_line_refusal(capsys)


@needs_git
def test_compat_and_release_refuse_a_malformed_working_spec(
    checkout: Path, malformed_files: dict[str, Path], capsys
) -> None:
    shutil.copy(malformed_files["info: 7"], checkout / "openapi" / "citcall-v3.yaml")
    assert main(["compat", "--instances", "0"]) == 2
    assert "#/info must be a map" in one_line_refusal(capsys)
    assert main(["release", "--dry-run"]) == 2
    assert "#/info must be a map" in one_line_refusal(capsys)
    assert main(["compat", "--against", "HEAD", "--instances", "0"]) == 2
    one_line_refusal(capsys)


# --- item 12: an alias bomb is refused before anything walks it ---


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["openapi: 3.1.0", "info: {title: bomb, version: 1.0.0}", "x-bomb:"]
    lines.append(f"  a0: &a0 [{', '.join(['x'] * width)}]")
    for level in range(1, levels):
        lines.append(f"  a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert main(["diff", str(source_spec()), str(bomb), "--instances", "0"]) == 2
    assert "alias" in one_line_refusal(capsys)


def test_a_few_aliases_are_fine(tmp_path: Path, base_spec: dict[str, Any], capsys) -> None:
    """Anchors reused a handful of times, as hand-written YAML does, still compare."""
    text = yaml.safe_dump(base_spec, sort_keys=False)
    text += "x-shared: &shared {kept: [1, 2, 3]}\nx-users: [*shared, *shared, *shared]\n"
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["diff", str(source_spec()), str(path), "--instances", "0"]) == 0


# --- --recorded: unreadable or matching nothing is not a pass ---


def test_recorded_bodies_that_are_not_json_are_refused(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "recorded" / "sendSms"
    folder.mkdir(parents=True)
    bodies = {"nan": b'{"rc": NaN}', "latin1": b'{"info": "caf\xe9"}', "deep": b"[" * 5000}
    for name, raw in bodies.items():
        (folder / f"{name}.json").write_bytes(raw)
        spec = str(source_spec())
        assert main(["diff", spec, spec, "--instances", "0", "--recorded", str(folder.parent)]) == 2
        assert f"{name}.json" in one_line_refusal(capsys)
        (folder / f"{name}.json").unlink()


def test_recorded_bodies_that_match_no_operation_are_not_a_pass(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "recorded" / "sendsms"  # misspelt: matches nothing
    folder.mkdir(parents=True)
    (folder / "one.json").write_text('{"rc": 0}', encoding="utf-8")
    spec = str(source_spec())
    assert main(["diff", spec, spec, "--instances", "0", "--recorded", str(folder.parent)]) == 2
    assert "nothing to check" in one_line_refusal(capsys)


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "a.yaml", "b.yaml", "--instances", "-1"],
        ["diff", "a.yaml", "b.yaml", "--instances", "999999999"],
        ["compat", "--instances", "-5"],
        ["release", "--dry-run", "--date", "\x1b[31m2026-01-02"],
        ["release", "--dry-run", "--date", "yesterday"],
    ],
)
def test_bad_arguments_are_refused_by_the_parser(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as leaving:
        main(argv)
    assert leaving.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
