"""The Help menu: "Reading the probabilities" (the view's terms, as the window spells them) and About."""

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop import __version__
from desktop.cli.about import bundled_model_versions, llama_cpp_build
from desktop.core.paths import data_dir

# term as the window shows it -> what it means; the same words are the tooltips where the terms appear.
# Both are looked up in the window's language when shown (context "Glossary").
GLOSSARY = {
    QT_TRANSLATE_NOOP("Glossary", "model"): QT_TRANSLATE_NOOP(
        "Glossary", "The token's probability under the model, before any sampler setting: how likely the model "
                    "itself found it."),
    QT_TRANSLATE_NOOP("Glossary", "drawn"): QT_TRANSLATE_NOOP(
        "Glossary", "The probability the token was drawn with, after the reply's sampler settings (temperature, "
                    "top-k, top-p, min-p, repeat penalty). At temperature 0 the most likely token is always drawn (100%)."),
    QT_TRANSLATE_NOOP("Glossary", "entropy"): QT_TRANSLATE_NOOP(
        "Glossary", "How spread out the model's whole distribution was at that token, in bits: 0 means certain; "
                    "higher means many tokens were plausible."),
    QT_TRANSLATE_NOOP("Glossary", "perplexity"): QT_TRANSLATE_NOOP(
        "Glossary", "The reply's average surprise: e to the minus mean log-probability. 1 means every token "
                    "was certain; higher means the model was less sure overall."),
    QT_TRANSLATE_NOOP("Glossary", "mean log-prob"): QT_TRANSLATE_NOOP(
        "Glossary", "The average natural log of each token's model probability (0 is certain, more negative "
                    "is less likely)."),
    QT_TRANSLATE_NOOP("Glossary", "what-if"): QT_TRANSLATE_NOOP(
        "Glossary", "The Probabilities panel's sandbox: how the same position's alternatives would be weighted at "
                    "other sampler settings. It never changes the settings of the next reply."),
    "≈": QT_TRANSLATE_NOOP(
        "Glossary", "An estimated figure: for example entropy from a server that returns only the top alternatives."),
    "·": QT_TRANSLATE_NOOP("Glossary", "A space inside a token (tokens often start with one)."),
    "↵": QT_TRANSLATE_NOOP("Glossary", "A line break inside a token."),
    "<0xE2>": QT_TRANSLATE_NOOP(
        "Glossary", "A byte token: part of a character that spans several tokens (an emoji, an accented or "
                    "Chinese character); the character appears once all its bytes have been drawn."),
    "✕": QT_TRANSLATE_NOOP("Glossary", "An alternative the reply's sampler settings excluded: it could not have been drawn."),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Glossary", text)


def reading_html() -> str:
    rows = "".join(
        f"<tr><td style='padding:3px 10px 3px 0'><b>{html.escape(_tr(term))}</b></td><td>{html.escape(_tr(text))}</td></tr>"
        for term, text in GLOSSARY.items()
    )
    return (
        QCoreApplication.translate(
            "Glossary", "<h3>Reading the probabilities</h3>"
            "<p>Turn on <b>View → Probability heatmap</b> (Ctrl+H): every token of a reply is coloured by its "
            "probability (the legend above the transcript says which). Click a token to see it in the "
            "<b>Probabilities</b> panel: its probabilities, the entropy and the top alternatives. Click an "
            "alternative to continue the reply from it as a new branch (‹ 1/2 › switches between branches).</p>")
        + f"<table>{rows}</table>"
        + QCoreApplication.translate("Glossary", "<p>Under each reply, <b>Confidence</b> gives the mean log-prob, the "
                                                 "perplexity and the least confident words.</p>")
    )


def about_html(models_loaded: str = "") -> str:
    translate = QCoreApplication.translate
    llama = llama_cpp_build()
    missing = html.escape(translate("About", " (missing)"))
    models = "".join(
        f"<li>{html.escape(m['name'])}: {html.escape(m['file'])}{'' if m['present'] else missing}</li>"
        for m in bundled_model_versions()
    )
    loaded = translate("About", "<p>Loaded now: {model}</p>").format(model=html.escape(models_loaded)) if models_loaded else ""
    return (
        f"<h3>Inkling {html.escape(__version__)}</h3>"
        + translate("About", "<p>Offline chat that shows why the model said each word.</p>")
        + translate("About", "<p>llama.cpp ggml {ggml} (commit {commit}) via llama-cpp-python {version}; backends: {backends}</p>")
        .format(ggml=html.escape(llama["ggml"]), commit=html.escape(llama["commit"]),
                version=html.escape(llama["llama_cpp_python"]), backends=html.escape(", ".join(llama["backends"])))
        + loaded + translate("About", "<p>Bundled models:</p>") + f"<ul>{models}</ul>"
        + translate("About", "<p>Data folder: {path}</p>").format(path=html.escape(str(data_dir())))
    )


class TextDialog(QDialog):
    """A small window of our own rich text (nothing in it comes from a model or a file)."""

    def __init__(self, title: str, text: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(text)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)


class HelpMenu:
    """Builds the Help menu; `loaded_model()` names the model in use for About."""

    def __init__(self, window: QWidget, loaded_model):
        self.window = window
        self.loaded_model = loaded_model
        self.dialogs: dict[str, TextDialog] = {}

    def install(self, menu) -> None:
        reading = QAction(QCoreApplication.translate("HelpMenu", "&Reading the probabilities"), self.window)
        reading.setObjectName("readingHelp")
        reading.triggered.connect(self.show_reading)
        about = QAction(QCoreApplication.translate("HelpMenu", "&About Inkling"), self.window)
        about.setObjectName("aboutAction")
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        menu.addAction(reading)
        menu.addAction(about)

    def show_reading(self) -> None:
        self._show(QCoreApplication.translate("HelpMenu", "Reading the probabilities"), reading_html(), "readingDialog")

    def show_about(self) -> None:
        self._show(QCoreApplication.translate("HelpMenu", "About Inkling"), about_html(self.loaded_model()), "aboutDialog")

    def _show(self, title: str, text: str, name: str) -> None:
        dialog = self.dialogs.get(name)
        if dialog is None:
            dialog = self.dialogs[name] = TextDialog(title, text, name, self.window)
        else:
            dialog.browser.setHtml(text)
        dialog.show()

def tip(term: str) -> str:
    """The glossary's words for a term, as a tooltip, in the window's language."""
    return _tr(GLOSSARY[term])
