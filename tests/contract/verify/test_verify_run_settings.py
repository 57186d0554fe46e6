"""How a `verify` run is set up: which servers go through the relay, Hypothesis' files, the
garbage collector. (The default run itself is in test_verify_cli.)"""

from __future__ import annotations

import gc
import time
from pathlib import Path

from hypothesis.configuration import storage_directory

from citcall_contract.commands.verify import _hypothesis_home
from citcall_contract.contract.verify.results import Settings, Target
from citcall_contract.contract.verify.runner import YOUNG_OBJECTS, _bounded, _fewer_collections
from citcall_contract.core.authorization import Credentials

URL = "http://127.0.0.1:9"


def test_only_a_server_that_does_not_bound_its_answers_goes_through_the_relay():
    credentials = Credentials("key")
    with _bounded(Target(URL, credentials, bounded=True), Settings(), time.monotonic()) as (
        target,
        relay,
    ):
        assert relay is None
        assert target.base_url == URL
    with _bounded(Target(URL, credentials), Settings(), time.monotonic()) as (target, relay):
        assert relay is not None
        assert relay.upstream == URL
        assert target.base_url != URL  # the relay's own loopback address


def test_the_collector_is_restored_after_a_run():
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    with _fewer_collections():
        assert gc.get_threshold()[0] >= YOUNG_OBJECTS
        assert gc.get_freeze_count() >= frozen
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == frozen


def _home() -> Path:
    return Path(storage_directory(intent_to_write=False).home_directory)


def test_hypothesis_keeps_its_tables_in_the_user_cache_not_the_working_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    before = _home()
    with _hypothesis_home():
        assert _home() == tmp_path / "cache" / "citcall-contract" / "hypothesis"
        assert _home().is_dir()
    assert _home() == before
    assert not (tmp_path / ".hypothesis").exists()


def test_a_relative_cache_setting_is_ignored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with _hypothesis_home():
        assert _home() == tmp_path / "home" / ".cache" / "citcall-contract" / "hypothesis"
    assert not (tmp_path / "relative-cache").exists()


def test_without_a_usable_cache_a_scratch_directory_is_used_and_removed(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with _hypothesis_home():
        scratch = _home()
        assert scratch.is_dir()
        assert blocker not in scratch.parents
    assert not scratch.exists()
