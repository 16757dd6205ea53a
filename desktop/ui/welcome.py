"""The welcome view of an empty conversation: what Inkling is, and first prompts that show its features."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QCommandLinkButton, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.inert import plain_label

# (prompt put in the composer, what to try with its reply)
# (looked up in the window's language when shown: a Chinese user is offered Chinese prompts)
SUGGESTIONS = (
    (QT_TRANSLATE_NOOP("WelcomeView", "Why is the sky blue? Answer in two sentences."),
     QT_TRANSLATE_NOOP("WelcomeView", "Then press Ctrl+H for the heatmap and click a word to see what else the model considered.")),
    (QT_TRANSLATE_NOOP("WelcomeView", "Write a four-line poem about the sea."),
     QT_TRANSLATE_NOOP("WelcomeView", "Then Regenerate it at temperature 0 and 1.5 (Sampling panel) and compare the branches with ‹ ›.")),
    (QT_TRANSLATE_NOOP("WelcomeView", "What do my notes say about my next trip?"),
     QT_TRANSLATE_NOOP("WelcomeView", "Add a note first (Notes → New note); the reply lists the notes it used, with scores.")),
    (QT_TRANSLATE_NOOP("WelcomeView", "Name three uses of a paperclip."),
     QT_TRANSLATE_NOOP("WelcomeView", "Click a token, then an alternative in the Probabilities panel: the reply continues from it as a branch.")),
)


class WelcomeView(QWidget):
    """Shown instead of an empty transcript; a suggestion fills the composer (it is not sent)."""

    promptChosen = Signal(str)
    libraryWanted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("welcome")
        # the suggestions wrap: their one-line width must not squeeze the conversation list
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        self.title = QLabel(self.tr("<h2>Welcome to Inkling</h2>"))
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.intro = plain_label()  # names a server the user typed in
        self.intro.setWordWrap(True)
        self.on_engine(None)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        # first, while the bundled model is the only one used: the models already on this computer
        self.library_offer = QCommandLinkButton()
        self.library_offer.setObjectName("libraryOffer")
        self.library_offer.clicked.connect(self.libraryWanted)
        self.library_offer.setVisible(False)
        layout.addWidget(self.library_offer)
        self.buttons: list[QCommandLinkButton] = []
        for index, (prompt, hint) in enumerate(SUGGESTIONS):
            prompt, hint = self.tr(prompt), self.tr(hint)
            button = QCommandLinkButton(prompt, hint)
            button.setObjectName(f"suggestion{index}")
            button.clicked.connect(lambda _checked=False, text=prompt: self.promptChosen.emit(text))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(2)

    def on_engine(self, server_url: str | None) -> None:
        """Say where the words go: nowhere for a model on this computer; to the server for a server's model."""
        said_of = self.tr("Every word of a reply shows how likely it was and what else the model considered.")
        if server_url is None:
            self.intro.setText(self.tr("A private chat with a small model on this computer, nothing sent anywhere. ")
                               + said_of)
        else:
            self.intro.setText(self.tr("A chat with a model on the server {url}: your messages, the system prompt and "
                                       "the notes a reply uses are sent to it. ").format(url=server_url) + said_of)

    def on_library_offer(self, title: str, description: str) -> None:
        self.library_offer.setText(title)
        self.library_offer.setDescription(description)
        self.library_offer.setVisible(bool(title))
