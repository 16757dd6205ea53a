"""Engine → Add server… probes a real llama-server; choosing it makes the window chat through it, recorded per reply."""

from PySide6.QtWidgets import QDialogButtonBox

from desktop.app import open_engine
from desktop.core.engine.remote.servers import KeyStore, load_entries
from desktop.core.probability.sampling import EXTRA_SAMPLERS
from desktop.ui.server_dialog import AddServerDialog
from tests.remote.proxy import Fault
from tests.remote.test_probe import fake_openai
from tests.remote.server import free_port
from tests.ui.conftest import send

# A bound that only a hang passes: a 40-token reply takes seconds, tens of them with every core busy.
REPLY_MS = 180_000


def test_the_dialog_shows_the_probe_and_a_failed_probe_says_why(qtbot, server_url, tmp_path):
    dialog = AddServerDialog(KeyStore(tmp_path), {"taken"})
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.name.setText("down")
    dialog.url.setText(f"http://127.0.0.1:{free_port()}")
    dialog.on_probe()
    qtbot.waitUntil(lambda: dialog.result.text().startswith("Probe failed"), timeout=15000)
    assert "refused the connection" in dialog.result.text() and not ok.isEnabled()
    dialog.name.setText("local")
    dialog.url.setText(server_url)
    dialog.on_probe()
    qtbot.waitUntil(ok.isEnabled, timeout=15000)
    assert "top 20 with token ids, exact branching" in dialog.result.text()
    assert "llama-server" in dialog.result.text()
    dialog.accept()
    assert dialog.entry.name == "local" and dialog.entry.profile["kind"] == "llama-server"


def test_choosing_a_server_chats_through_it_and_each_reply_names_its_engine(qtbot, make_window, server_url,
                                                                           smollm2_path, monkeypatch):
    window = make_window(open_engine, smollm2_path)
    window.sampling.max_tokens.setValue(40)  # short replies: four of them on a loaded machine stay well within a minute
    monkeypatch.setattr(AddServerDialog, "exec", lambda dialog: _filled(qtbot, dialog, server_url))
    window.engine_menu.on_add()
    assert [e.name for e in load_entries(window.store)] == ["local"]
    served = next(a for a in window.engine_menu.menu.actions() if a.text().startswith("local"))
    served_text = served.text()
    served.trigger()
    qtbot.waitUntil(lambda: window.models.engine_description is not None, timeout=30000)
    checked = [a.text() for a in window.engine_menu.menu.actions() if a.isChecked()]
    assert window.models.name.endswith("@ local") and checked == [served_text]
    send(qtbot, window, "Name a colour.", timeout=REPLY_MS)
    reply = window.store.thread(window.conversation_id)[-1]
    assert reply.status == "complete" and reply.engine["server"] == "local" and reply.model.endswith("@ local")
    assert window.store.load_trace(reply.id)[0].top  # the probability view has alternatives with ids
    window.inspector.select(reply.id, 0)
    assert window.inspector.panel.entropy.text().startswith("entropy ≥ ")  # a lower bound, and it says so
    assert "from the top 10" in window.inspector.panel.entropy.text()
    assert window.inspector.panel.drawn_prob.text().startswith("drawn ≈ ")  # temperature 0.2: from the top 10 only
    # a regenerated reply and the reply to an edited message name the server too
    with qtbot.waitSignal(window.replyFinished, timeout=REPLY_MS):
        window.tools.regenerate(reply.id)
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=REPLY_MS)
    regenerated = window.store.thread(window.conversation_id)[-1]
    assert regenerated.id != reply.id and regenerated.engine == reply.engine
    window.tools.begin_edit(regenerated.parent_id)
    send(qtbot, window, "Name a fruit.", timeout=REPLY_MS)
    edited = window.store.thread(window.conversation_id)[-1]
    assert edited.parent_id != reply.parent_id and edited.engine == reply.engine and edited.status == "complete"


def _filled(qtbot, dialog: AddServerDialog, url: str, name: str = "local") -> int:
    dialog.name.setText(name)
    dialog.url.setText(url)
    dialog.on_probe()
    qtbot.waitUntil(lambda: dialog.entry is not None, timeout=15000)
    dialog.accept()
    return AddServerDialog.DialogCode.Accepted


def test_each_conversation_keeps_its_engine_and_switching_conversation_switches_it(qtbot, make_window, server_url,
                                                                                   smollm2_path, monkeypatch):
    window = make_window(open_engine, smollm2_path)
    window.sampling.max_tokens.setValue(40)  # short replies: four of them on a loaded machine stay well within a minute
    monkeypatch.setattr(AddServerDialog, "exec", lambda dialog: _filled(qtbot, dialog, server_url))
    window.engine_menu.on_add()
    served = window.conversation_id
    _menu_action(window, "local").trigger()
    qtbot.waitUntil(lambda: window.models.engine_description is not None, timeout=30000)
    send(qtbot, window, "Name a colour.", timeout=REPLY_MS)
    assert window.store.conversation_engine(served) == {"server": "local", "model": window.models.info.name}
    window.new_conversation()  # a new conversation starts with the last choice: nothing to load
    local = window.conversation_id
    assert window.store.conversation_engine(local)["server"] == "local" and not window.models.loading
    # (before: the welcome said "nothing sent anywhere" whatever the engine)
    assert server_url in window.welcome.intro.text() and "nothing sent" not in window.welcome.intro.text()
    _menu_action(window, "This laptop").trigger()
    qtbot.waitUntil(lambda: window.models.engine_description is None and not window.models.loading, timeout=30000)
    assert window.store.conversation_engine(local) == {"path": str(smollm2_path)}
    assert "nothing sent anywhere" in window.welcome.intro.text() and server_url not in window.welcome.intro.text()
    send(qtbot, window, "Name a fruit.", timeout=REPLY_MS)
    assert window.store.thread(local)[-1].engine is None
    window.open_conversation(served)  # its server again, loaded on the way in
    qtbot.waitUntil(lambda: window.models.engine_description is not None and not window.models.loading, timeout=30000)
    assert window.models.name.endswith("@ local") and window.models.label.text().startswith(window.models.name)
    assert [a.text() for a in window.engine_menu.menu.actions() if a.isChecked()][0].startswith("local")
    window.open_conversation(local)
    qtbot.waitUntil(lambda: window.models.engine_description is None and not window.models.loading, timeout=30000)
    window.close()
    again = make_window(open_engine, smollm2_path)  # after a restart each conversation still has its engine
    assert again.conversation_id == local and again.models.engine_description is None
    again.open_conversation(served)
    qtbot.waitUntil(lambda: again.models.engine_description is not None, timeout=30000)
    assert again.models.name.endswith("@ local")


def _menu_action(window, prefix: str):
    return next(a for a in window.engine_menu.menu.actions() if a.text().startswith(prefix))


def test_a_reply_cut_off_by_the_server_is_kept_and_continue_resumes_it(qtbot, make_window, proxy, smollm2_path,
                                                                      monkeypatch):
    window = make_window(open_engine, smollm2_path)
    monkeypatch.setattr(AddServerDialog, "exec", lambda dialog: _filled(qtbot, dialog, proxy.url))
    window.engine_menu.on_add()
    _menu_action(window, "local").trigger()
    qtbot.waitUntil(lambda: window.models.engine_description is not None, timeout=30000)
    window.sampling.max_tokens.setValue(60)
    proxy.fault = Fault(drop_after=6)
    send(qtbot, window, "Tell me about the sea.", timeout=REPLY_MS)
    failed = window.store.thread(window.conversation_id)[-1]
    kept = window.store.load_trace(failed.id)
    assert failed.status == "error" and "closed the connection mid-reply" in failed.error and len(kept) == 6
    button = window.tools.actions[failed.id].buttons["continue"]
    assert not button.isHidden() and window.tools.actions[failed.id - 1].buttons.get("continue") is None
    proxy.fault = Fault()
    with qtbot.waitSignal(window.replyFinished, timeout=REPLY_MS):
        button.click()
    qtbot.waitUntil(lambda: window.replies.active is None, timeout=REPLY_MS)
    resumed = window.store.thread(window.conversation_id)[-1]
    assert resumed.id != failed.id and resumed.branch_of == failed.id and resumed.status in ("complete", "cancelled")
    assert resumed.content.startswith(failed.content) and len(resumed.content) > len(failed.content)
    assert [t.id for t in window.store.load_trace(resumed.id)[:6]] == [t.id for t in kept]
    assert resumed.engine == failed.engine and window.tools.actions[resumed.id].buttons["continue"].isHidden()


def test_samplers_the_server_ignores_are_greyed_and_come_back_for_the_local_model(qtbot, make_window, smollm2_path,
                                                                                 monkeypatch):
    """An Ollama-style server takes OpenAI's samplers only: top-k, min-p and the repeat penalty are greyed, with why."""
    server = fake_openai({"content": [{"token": "Hi", "logprob": -0.1, "top_logprobs": [{"token": "Hi", "logprob": -0.1}]}]})
    try:
        window = make_window(open_engine, smollm2_path)
        panel = window.sampling
        own_tip = panel.min_p.toolTip()
        assert all(getattr(panel, name).isEnabled() for name in EXTRA_SAMPLERS)
        monkeypatch.setattr(AddServerDialog, "exec", lambda dialog: _filled(
            qtbot, dialog, f"http://127.0.0.1:{server.server_address[1]}", "ollama"))
        window.engine_menu.on_add()
        _menu_action(window, "ollama").trigger()
        qtbot.waitUntil(lambda: window.models.engine_description is not None, timeout=30000)
        for name in EXTRA_SAMPLERS:
            box = getattr(panel, name)
            assert not box.isEnabled() and not panel.form.labelForField(box).isEnabled()
            assert "ollama takes OpenAI&#x27;s samplers only, not this one" in box.toolTip()
        assert panel.temperature.isEnabled() and panel.top_p.isEnabled() and panel.max_tokens.isEnabled()
        chosen = panel.chosen()
        assert chosen.min_p == 0.05 and chosen.top_k == 40  # kept for the engines that take them
        send(qtbot, window, "Say hi.", timeout=REPLY_MS)
        reply = window.store.thread(window.conversation_id)[-1]
        assert reply.status == "complete" and "min_p" not in server.bodies[-1] and "top_k" not in server.bodies[-1]
        assert (reply.sampler["min_p"], reply.sampler["top_k"]) == (0.0, 0)  # the reply records what it ran with
        _menu_action(window, "This laptop").trigger()
        qtbot.waitUntil(lambda: window.models.engine_description is None and not window.models.loading, timeout=30000)
        assert all(getattr(panel, name).isEnabled() for name in EXTRA_SAMPLERS)
        assert panel.min_p.toolTip() == own_tip and panel.settings() == chosen
    finally:
        server.shutdown()
        server.server_close()
