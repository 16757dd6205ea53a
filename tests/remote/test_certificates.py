"""A server's own self-signed certificate: refused by default, trusted per server by its fingerprint (real TLS on 127.0.0.1)."""

import json
import subprocess
import threading
import time

import pytest

from desktop.core.engine.remote.http import RemoteError, ServerAddress, fetch_certificate, fingerprint, open_client
from desktop.core.engine.remote.probe import probe
from desktop.core.engine.remote.servers import KeyStore, new_entry, probe_with, trust_certificate
from desktop.core.engine.remote.target import RemoteTarget, connect
from desktop.core.engine.types import Finished, TokenEvent
from desktop.core.probability.sampling import SamplerSettings
from desktop.ui.server_dialog import AddServerDialog
from tests.e2e.runner import inkling
from tests.remote.certificates import self_signed
from tests.remote.proxy import Fault, FaultProxy


@pytest.fixture
def https(server_url, tmp_path):
    """The real llama-server behind an https proxy with a fresh self-signed certificate; (url, its PEM)."""
    pem, context = self_signed(tmp_path / "tls")
    running = FaultProxy(server_url, tls=context)
    yield running.url, pem
    running.close()


def test_a_self_signed_certificate_is_refused_by_default(https):
    url, _pem = https
    address = ServerAddress(url)
    with open_client(address) as client, pytest.raises(RemoteError, match="TLS certificate is not trusted") as refused:
        probe(client, address)
    assert "--trust-fingerprint" in str(refused.value)


def test_the_fingerprint_is_the_one_openssl_prints(https, tmp_path):
    url, pem = https
    shown = fetch_certificate(url)
    assert fingerprint(shown) == fingerprint(pem)
    printed = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", str(tmp_path / "tls" / "cert.pem")],
                             capture_output=True, text=True, check=True).stdout
    assert printed.strip().split("=", 1)[1] == fingerprint(pem)


def test_a_trusted_certificate_is_used_for_that_server_only_and_it_chats(https):
    url, pem = https
    entry = trust_certificate(new_entry("gpu-box", url), fingerprint(pem).lower().replace(":", ""))
    probed = probe_with(entry, ServerAddress(url, pinned_certificate=entry.certificate))
    assert probed.server_profile.kind == "llama-server"
    engine = connect(RemoteTarget(ServerAddress(url, pinned_certificate=entry.certificate), "gpu-box"))
    try:
        events = list(engine.stream(engine.tokenize(engine.render([{"role": "user", "content": "Hi"}])),
                                    SamplerSettings(temperature=0.0, max_tokens=4)))
        assert any(isinstance(e, TokenEvent) for e in events)
    finally:
        engine.close()
    # another server is not trusted through it: the pin is per server, never a global switch
    with open_client(ServerAddress(url)) as client, pytest.raises(RemoteError, match="not trusted"):
        probe(client, ServerAddress(url))


def test_a_wrong_fingerprint_or_a_changed_certificate_is_refused(https, tmp_path):
    url, pem = https
    other, _ = self_signed(tmp_path / "other")
    with pytest.raises(RemoteError, match="not trusted"):
        trust_certificate(new_entry("gpu-box", url), fingerprint(other))
    address = ServerAddress(url, pinned_certificate=other)  # trusted earlier, and the server's certificate changed since
    with open_client(address) as client, pytest.raises(RemoteError, match="not trusted"):
        probe(client, address)


def test_engines_add_trusts_the_fingerprint_given(https, inkling_home):
    url, pem = https
    refused = inkling("engines", "add", "gpu-box", url, home=inkling_home)
    assert refused.returncode == 2 and "TLS certificate is not trusted" in refused.stderr
    added = inkling("engines", "add", "gpu-box", url, "--trust-fingerprint", fingerprint(pem), home=inkling_home)
    assert added.returncode == 0, added.stderr
    assert fingerprint(pem) in added.stdout and "exact branching" in added.stdout
    listed = json.loads(inkling("engines", "list", "--json", home=inkling_home).stdout)
    assert listed[0]["trusted_certificate"] == fingerprint(pem)


def test_the_add_server_dialog_offers_to_trust_the_certificate_after_showing_its_fingerprint(qtbot, https, tmp_path):
    url, pem = https
    dialog = AddServerDialog(KeyStore(tmp_path), set())
    qtbot.addWidget(dialog)
    shown = []
    dialog.confirm_certificate = lambda text: shown.append(text) or True
    dialog.name.setText("gpu-box")
    dialog.url.setText(url)
    dialog.on_probe()
    qtbot.waitUntil(lambda: dialog.result.text().startswith("Probe failed"), timeout=15000)
    assert "not trusted" in dialog.result.text() and not dialog.trust_button.isHidden()
    dialog.trust_button.click()
    qtbot.waitUntil(lambda: dialog.entry is not None, timeout=15000)
    assert shown == [fingerprint(pem)] and fingerprint(pem) in dialog.result.text()
    dialog.accept()
    assert dialog.entry.certificate == fetch_certificate(url)


def test_stop_over_https_ends_a_reply_waiting_for_its_next_token_within_a_second(server_url, tmp_path):
    """Stop shuts the TLS socket the reply reads from (before: only the TCP socket under it was known, which TLS
    had taken over, so nothing was shut and the reply waited out the stall timeout)."""
    pem, context = self_signed(tmp_path / "tls")
    proxy = FaultProxy(server_url, tls=context)
    proxy.fault = Fault(pause_after=2)  # the server's third token waits in the proxy
    # the default stall timeout (60 s): a shorter one ran out before the first tokens on a loaded machine (load 5)
    engine = connect(RemoteTarget(ServerAddress(proxy.url, pinned_certificate=pem), "gpu-box"))
    try:
        cancel, stopped_at, events = threading.Event(), [], []
        stop = threading.Timer(0.3, lambda: (stopped_at.append(time.perf_counter()), cancel.set()))
        prompt = engine.tokenize(engine.render([{"role": "user", "content": "Tell me about the sea."}]))
        for event in engine.stream(prompt, SamplerSettings(temperature=0.0, max_tokens=40), cancel=cancel):
            events.append(event)
            if sum(isinstance(e, TokenEvent) for e in events) == 2 and isinstance(event, TokenEvent):
                stop.start()
        stop.join()
        assert time.perf_counter() - stopped_at[0] < 1.0
        assert isinstance(events[-1], Finished) and events[-1].finish_reason == "cancelled"
    finally:
        engine.close()
        proxy.close()
