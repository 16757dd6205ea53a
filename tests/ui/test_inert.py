"""Untrusted text loads no file: Markdown images in replies, HTML-looking titles in labels, tooltips and errors."""

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QLabel

from desktop.core.store import Message
from desktop.ui.chat_view import MessageView
from desktop.ui.inert import PLACEHOLDER_SIZE, plain_label, plain_tip
from desktop.ui.token_view import TokenBrowser

BIG = (400, 300)


def big_png(tmp_path):
    path = tmp_path / "secret.png"
    image = QImage(*BIG, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(path))
    return path


def reply(content: str) -> Message:
    return Message(id=1, conversation_id=1, parent_id=None, role="assistant", content=content, status="done",
                   model="m", sampler=None, stats=None, finish_reason="stop", error=None,
                   created_at="2026-01-01T00:00:00.000000+00:00", updated_at="2026-01-01T00:00:00.000000+00:00")


def test_markdown_image_in_a_reply_reads_no_file(qtbot, tmp_path):
    path = big_png(tmp_path)
    url = QUrl.fromLocalFile(str(path))
    view = MessageView(reply(f"Look: ![x]({url.toString()}) and ![y](secret.png)"), "Model")
    qtbot.addWidget(view)
    document = view.body.document()
    document.setTextWidth(600)
    assert document.size().height() < BIG[1]  # the 400×300 picture was not laid out
    shown = document.resource(QTextDocument.ResourceType.ImageResource.value, url)
    assert isinstance(shown, QImage) and shown.width() == PLACEHOLDER_SIZE


def test_heatmap_document_is_inert(qtbot, tmp_path):
    url = QUrl.fromLocalFile(str(big_png(tmp_path)))
    browser = TokenBrowser(lambda _index: "")
    qtbot.addWidget(browser)
    shown = browser.document().resource(QTextDocument.ResourceType.ImageResource.value, url)
    assert shown.width() == PLACEHOLDER_SIZE


def test_titles_that_look_like_html_stay_text(qtbot, tmp_path):
    title = f'<img src="{QUrl.fromLocalFile(str(big_png(tmp_path))).toString()}">'
    raw = QLabel(title)  # what a plain QLabel does with it: reads and shows the file
    qtbot.addWidget(raw)
    assert raw.sizeHint().height() >= BIG[1]
    for label in (plain_label(title), QLabel(plain_tip(title))):
        qtbot.addWidget(label)
        assert label.sizeHint().height() < BIG[1]
