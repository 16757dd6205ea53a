"""What the core says to a user: English text that keeps its template, so the window can show it translated."""


class Words(str):
    """English text (what str() gives and the CLI prints) that remembers the template and fields it came from.

    The core cannot import Qt; the window looks the template up in its translation (desktop.ui.language.said)
    and fills in the same fields, so one message reads in English on the command line and in Chinese in the window.
    """

    context: str
    template: str
    fields: dict

    def __new__(cls, text: str, context: str, template: str, fields: dict):
        words = super().__new__(cls, text)
        words.context, words.template, words.fields = context, template, fields
        return words

    def format(self, **fields) -> "Words":  # noqa: A003 - str.format's counterpart, keeping the template
        return Words(self.template.format(**fields), self.context, self.template, fields)


def translate(context: str, template: str) -> Words:
    """A message of the core; called as Qt's QCoreApplication.translate, so pyside6-lupdate finds the template."""
    return Words(template, context, template, {})


def joined(separator: str, parts: list) -> Words:
    """Parts (messages or plain text) in one line; each part is translated on its own when shown."""
    fields = {f"part{index}": part for index, part in enumerate(parts)}
    template = separator.join("{" + name + "}" for name in fields)
    return Words(separator.join(str(part) for part in parts), "", template, fields)
