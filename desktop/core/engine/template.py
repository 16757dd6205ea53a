"""Chat templates from GGUF metadata, rendered only in a sandboxed Jinja environment."""

from datetime import datetime

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from desktop.core.engine.types import EngineError


class ChatTemplateError(EngineError):
    """The model's chat template is broken or refuses the conversation."""


def _raise_exception(message: str):
    raise ChatTemplateError(f"the model's chat template refused the conversation: {message}")


class ChatTemplate:
    """A model's Jinja chat template; the sandbox blocks attribute tricks (CVE-2024-34359)."""

    def __init__(self, source: str, bos_token: str, eos_token: str):
        environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        environment.globals.update(
            raise_exception=_raise_exception,
            strftime_now=lambda fmt: datetime.now().strftime(fmt),
        )
        try:
            self._template = environment.from_string(source)
        except TemplateError as error:
            raise ChatTemplateError(f"the model's chat template cannot be read: {error}") from error
        self.bos_token = bos_token
        self.eos_token = eos_token

    def render(self, messages: list[dict[str, str]]) -> str:
        """Render with the generation prompt appended; a template without a system role gets it folded into the first user turn."""
        try:
            return self._render(messages)
        except ChatTemplateError:
            if not messages or messages[0]["role"] != "system":
                raise
            return self._render(_fold_system(messages))

    def _render(self, messages: list[dict[str, str]]) -> str:
        try:
            return self._template.render(
                messages=messages, add_generation_prompt=True,
                bos_token=self.bos_token, eos_token=self.eos_token,
            )
        except ChatTemplateError:
            raise
        except TemplateError as error:
            raise ChatTemplateError(f"the model's chat template failed: {error}") from error


def _fold_system(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    system, rest = messages[0]["content"], [dict(m) for m in messages[1:]]
    if rest and rest[0]["role"] == "user":
        rest[0]["content"] = f"{system}\n\n{rest[0]['content']}"
    return rest
