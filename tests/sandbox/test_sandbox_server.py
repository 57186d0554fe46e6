"""The sandbox over real loopback HTTP (SandboxServer), and the command's options."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time

import httpx
import pytest

from citcall_contract.commands.sandbox import _config, add_arguments
from citcall_contract.sandbox import DEFAULT_API_KEY, SandboxConfig, SandboxServer
from citcall_contract.spec import operation
from citcall_contract.spec.codes import is_success, rc_named

from .sandbox_support import API_KEY, AUTH


@pytest.fixture(scope="module")
def server():
    with SandboxServer(SandboxConfig(api_key=API_KEY), host="127.0.0.1", port=0) as running:
        yield running


def test_base_url_is_loopback_with_a_free_port(server):
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.port > 0
    assert httpx.get(f"{server.base_url}/_sandbox/health").json()["status"] == "ok"


def test_missed_call_callback_and_verify_over_http(server, receiver):
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        body = {
            "msisdn": "+6281234567890",
            "retry": 3,
            "callback_url": receiver.url,
            "valid_time": 60,
        }
        sent = client.post("/gateway/v3/motp", json=body).json()
        [report] = receiver.wait(1)
        otp = sent["token"][-4:]
        wrong = client.post(
            "/v3/verify", json={"msisdn": "6281234567890", "trxid": sent["trxid"], "token": "00000"}
        ).json()
        ok = client.post(
            "/v3/verify", json={"msisdn": "6281234567890", "trxid": sent["trxid"], "token": otp}
        ).json()
        listed = client.get("/_sandbox/deliveries", params={"trxid": sent["trxid"]}).json()
    assert sent["rc"] == 0
    assert len(sent["trxid"]) == 26
    assert sent["msisdn"] == "+6281234567890"
    assert report["trxid"] == sent["trxid"]
    assert wrong["rc"] == rc_named("INVALID_TOKEN")
    assert is_success(ok["rc"])
    finished = server.wait_for_deliveries(1, trxid=sent["trxid"])
    assert finished[0]["delivered"] is True
    assert listed[0]["url"] == receiver.url
    assert server.deliveries(sent["trxid"])[0]["payload"] == report


def test_bad_requests_over_http_are_business_answers(server):
    with httpx.Client(base_url=server.base_url) as client:
        wrong_method = client.get("/sms")
        bad_json = client.post("/sms", content=b"{oops", headers=AUTH)
        no_auth = client.post("/sms", json={})
        bad_key = client.post("/sms", json={}, headers={"Authorization": "Apikey nope"})
    for response, name in [
        (wrong_method, "WRONG_METHOD"),
        (bad_json, "INVALID_JSON_FORMAT"),
        (no_auth, "AUTHORIZATION_FAILED"),
        (bad_key, "APIKEY_NOT_FOUND"),
    ]:
        assert response.status_code == 200
        assert response.json()["rc"] == rc_named(name)
        assert not list(operation("sendSms").response_validator().iter_errors(response.json()))


def test_stopped_server_frees_its_port():
    with SandboxServer() as running:
        url = running.base_url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_sandbox/health", timeout=1)


def test_command_options_build_the_config(monkeypatch):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    monkeypatch.delenv("CITCALL_SANDBOX_API_KEY", raising=False)
    defaults = parser.parse_args([])
    assert (defaults.host, defaults.port) == ("127.0.0.1", 8090)
    args = parser.parse_args(
        [
            "--api-key",
            "k",
            "--userid",
            "u",
            "--balance",
            "900",
            "--callback-delay",
            "0.5",
            "--allow-callback-host",
            "hooks.test",
            "--default-callback-url",
            "http://hooks.test/cb",
        ]
    )
    config = _config(args)
    assert (config.api_key, config.userid, config.balance, config.callback_delay) == (
        "k",
        "u",
        900,
        0.5,
    )
    assert {"127.0.0.1", "localhost", "::1", "hooks.test"} == set(config.callback_allow_hosts)
    assert config.default_callback_url == "http://hooks.test/cb"
    monkeypatch.setenv("CITCALL_SANDBOX_API_KEY", "from-env")
    assert _config(parser.parse_args([])).api_key == "from-env"


def test_sandbox_command_serves_on_loopback():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "citcall_contract", "sandbox", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1)
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the sandbox command did not start"
                time.sleep(0.1)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/v3/sms",
            json={"msisdn": "6281234567890", "senderid": "citcall", "text": "Hi"},
            headers={"Authorization": f"Apikey {DEFAULT_API_KEY}"},
        ).json()
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert health.json()["status"] == "ok"
    assert answer["rc"] == 0
    assert f"http://127.0.0.1:{port}" in output
    assert DEFAULT_API_KEY not in output


def test_command_fault_and_limit_options_build_the_config():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = _config(parser.parse_args([]))
    assert (defaults.latency, defaults.slow_delay, defaults.late_callback_delay) == (0, None, None)
    assert defaults.max_connections == SandboxConfig().max_connections
    options = "--latency 0.2 --slow-delay 1.5 --late-callback-delay 0 --max-connections 7"
    limits = " --header-timeout 3 --keep-alive-timeout 2 --max-header-bytes 4096"
    config = _config(parser.parse_args((options + limits).split()))
    assert (config.latency, config.slow_delay, config.late_callback_delay) == (0.2, 1.5, 0.0)
    assert (config.max_connections, config.header_timeout) == (7, 3.0)
    assert (config.keep_alive_timeout, config.max_header_bytes) == (2.0, 4096)
