"""Notes → Use a Chroma server… in the window, against a real `chroma run` on 127.0.0.1; the dialog on its own."""

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QRadioButton

from desktop.core.notes.server_setting import SETTING
from desktop.ui.chroma_dialog import ChromaServerDialog
from desktop.core.tls import fingerprint
from tests.core.notes.chroma_run import BearerProxy, chroma_server  # noqa: F401  (the fixture)
from tests.core.notes.test_chroma_server import server_count
from tests.remote.certificates import self_signed
from tests.remote.server import free_port
from tests.ui.test_notes_ui import CAT, add_note, ready

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")  # offscreen, a shown dialog


def menu_action(window, text: str):
    for action in window.menuBar().actions():
        if action.menu() is not None:
            for item in action.menu().actions():
                if item.text().replace("&", "") == text:
                    return item
    raise AssertionError(f"no menu item {text!r}")


def test_the_dialog_asks_for_an_address_and_a_token(qtbot):
    dialog = ChromaServerDialog("The notes' search index is kept in this computer's data folder.", None, False)
    qtbot.addWidget(dialog)
    assert dialog.local.isChecked() and not dialog.url.isEnabled() and not dialog.token.isEnabled()
    assert dialog.choice() == (None, None, False, None)
    dialog.remote.setChecked(True)
    assert dialog.url.isEnabled() and dialog.token.echoMode() == QLineEdit.EchoMode.Password
    dialog.url.setText(" http://chroma.lan:8000 ")
    assert dialog.choice() == ("http://chroma.lan:8000", None, False, None)
    dialog.token.setText("tok")
    assert dialog.choice() == ("http://chroma.lan:8000", "tok", False, None)
    kept = ChromaServerDialog("…", "http://chroma.lan:8000", True)
    qtbot.addWidget(kept)
    assert kept.remote.isChecked() and kept.choice() == ("http://chroma.lan:8000", None, True, None)


def test_notes_move_to_a_chroma_server_from_the_menu_and_back(qtbot, make_window, chroma_server):
    window = make_window()
    notes = ready(qtbot, window)
    add_note(qtbot, window, "Lighthouse", CAT)

    def fill_and_accept():  # the real dialog, as a user fills it in
        dialog = QApplication.activeModalWidget()
        dialog.findChild(QRadioButton, "chromaRemote").setChecked(True)
        dialog.findChild(QLineEdit, "chromaUrl").setText(chroma_server.url)
        dialog.accept()

    QTimer.singleShot(200, fill_and_accept)
    with qtbot.waitSignal(notes.jobsIdle, timeout=60000):
        menu_action(window, "Use a Chroma server…").trigger()
    assert window.store.get_setting(SETTING) == {"url": chroma_server.url, "token_in": None}
    collection = notes.library.server.collection
    assert server_count(chroma_server.url, collection) == 1
    notes.panel.search.setText("keeper's cat")
    qtbot.waitUntil(lambda: notes.panel.tree.headerItem().text(1) == "Score", timeout=30000)  # results shown
    assert notes.panel.tree.topLevelItem(0).text(0) == "Lighthouse"

    # A server that refuses: said in words, and the one in use stays.
    notes.ask_index_place = lambda where, current: (f"http://127.0.0.1:{free_port()}", None, False, None)
    with qtbot.waitSignal(notes.jobsIdle, timeout=60000):
        notes.choose_index_place()
    assert "refused the connection" in notes.panel.notice.text()
    assert window.store.get_setting(SETTING)["url"] == chroma_server.url and notes.library.server is not None

    # A restart opens the notes on the server again.
    window.close()
    again = make_window()
    notes = ready(qtbot, again)
    assert notes.library.server.url == chroma_server.url and notes.library.index.online

    notes.ask_index_place = lambda where, current: (None, None, False, None)
    with qtbot.waitSignal(notes.jobsIdle, timeout=60000):
        notes.choose_index_place()
    assert again.store.get_setting(SETTING) is None and notes.library.server is None
    assert notes.library.index.count() == 1


def test_the_dialog_trusts_an_https_servers_own_certificate_after_showing_its_fingerprint(qtbot, tmp_path, chroma_server):
    pem, tls = self_signed(tmp_path / "tls", "chroma.lan")
    proxy = BearerProxy(chroma_server.url, token="tok", tls=tls)
    try:
        dialog = ChromaServerDialog("…", None, False)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.remote.setChecked(True)
        dialog.url.setText("http://chroma.lan:8000")
        assert dialog.trust_button.isHidden()  # plain http: no certificate to trust
        dialog.url.setText(proxy.url)
        assert dialog.trust_button.isVisible()
        shown = []
        dialog.confirm_certificate = lambda text: shown.append(text) or True
        dialog.trust_button.click()
        qtbot.waitUntil(lambda: dialog.certificate is not None, timeout=15000)
        assert shown == [fingerprint(pem)] and dialog.choice() == (proxy.url, None, False, pem)
        assert dialog.trust_button.isHidden() and fingerprint(pem) in dialog.trusted.text()
        dialog.url.setText(proxy.url + "/other")  # trusted for that address only
        assert dialog.certificate is None and dialog.choice()[3] is None and dialog.trust_button.isVisible()
    finally:
        proxy.close()
