"""Chat templates from GGUF metadata, rendered only in a sandboxed Jinja environment, within time and size budgets."""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from jinja2 import TemplateError

from desktop.core.engine.template_sandbox import Budget, BoundedEnvironment, OverBudget
from desktop.core.engine.types import EngineError
from desktop.core.words import translate

# A real chat template renders a conversation in a millisecond or two and compiles in tens of them
# (several times that while traced, on a busy machine); a loop that runs for a second is hostile.
RENDER_SECONDS = 1.0
COMPILE_SECONDS = 3.0
MAX_SOURCE_CHARS = 256 * 1024  # the largest real templates (tool-calling ones) are ~20 KB
# Output and any one value: this much, plus a few times the conversation (a 50 MB message renders).
BASE_CHARS = 16_000_000
CHARS_PER_INPUT_CHAR = 4
BASE_GROWTH_BYTES = 512 * 2**20
GROWTH_BYTES_PER_INPUT_CHAR = 16
# Rendered once at load: a template that cannot render this within budget is refused at once,
# instead of on every message (and every typing pause the context meter measures).
PROBE = (
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Hello"},
    {"role": "assistant", "content": "Hi! How can I help?"},
    {"role": "user", "content": "Tell me a joke."},
)
Result = TypeVar("Result")


class ChatTemplateError(EngineError):
    """The model's chat template is broken or refuses the conversation."""


class TemplateBudgetError(ChatTemplateError):
    """The template ran too long or built too much: it is refused from then on (nested loops, huge constants)."""


def _raise_exception(message: str):
    raise ChatTemplateError(translate("core", "the model's chat template refused the conversation: {message}").format(message=message))


class ChatTemplate:
    """A model's Jinja chat template; the sandbox blocks attribute tricks (CVE-2024-34359)."""

    def __init__(self, source: str, bos_token: str, eos_token: str):
        if len(source) > MAX_SOURCE_CHARS:
            raise TemplateBudgetError(translate(
                "core", "the model's chat template is refused: it is {length} characters long (real ones are under {limit})")
                .format(length=f"{len(source):,}", limit=f"{MAX_SOURCE_CHARS:,}"))
        budget = Budget(COMPILE_SECONDS, BASE_CHARS, BASE_GROWTH_BYTES)
        self._environment = BoundedEnvironment(budget, trim_blocks=True, lstrip_blocks=True)
        self._environment.globals.update(
            raise_exception=_raise_exception,
            strftime_now=lambda fmt: datetime.now().strftime(fmt),
        )
        self._lock = threading.Lock()  # one render at a time: the environment holds the budget in use
        self._refusal: str | None = None
        self.bos_token = bos_token
        self.eos_token = eos_token
        try:
            self._template = self._within(budget, lambda: self._environment.from_string(source))
        except TemplateError as error:
            raise ChatTemplateError(translate("core", "the model's chat template cannot be read: {error}").format(error=error)) from error
        try:
            self.render([dict(message) for message in PROBE])
        except TemplateBudgetError:
            raise
        except ChatTemplateError:
            pass  # it may refuse this conversation (no system role, say); it was quick about it

    def render(self, messages: list[dict[str, str]]) -> str:
        """Render with the generation prompt appended; a template without a system role gets it folded into the first user turn."""
        if self._refusal is not None:
            raise TemplateBudgetError(self._refusal)
        try:
            return self._render(messages)
        except TemplateBudgetError:
            raise
        except ChatTemplateError:
            if not messages or messages[0]["role"] != "system":
                raise
            return self._render(_fold_system(messages))

    def _render(self, messages: list[dict[str, str]]) -> str:
        size = sum(len(message["content"]) for message in messages)
        budget = Budget(
            RENDER_SECONDS, BASE_CHARS + CHARS_PER_INPUT_CHAR * size, BASE_GROWTH_BYTES + GROWTH_BYTES_PER_INPUT_CHAR * size,
        )

        def render() -> str:
            pieces, total = [], 0
            for piece in self._template.generate(
                messages=messages, add_generation_prompt=True, bos_token=self.bos_token, eos_token=self.eos_token,
            ):
                total += len(piece)
                budget.check(total)
                pieces.append(piece)
            return "".join(pieces)

        try:
            return self._within(budget, render)
        except ChatTemplateError:
            raise
        except TemplateError as error:
            raise ChatTemplateError(translate("core", "the model's chat template failed: {error}").format(error=error)) from error
        except (RecursionError, ArithmeticError, TypeError, ValueError, LookupError) as error:
            # Jinja lets Python's own errors through ('a' + 1, 1 / 0): the template's fault, not Inkling's.
            raise ChatTemplateError(translate("core", "the model's chat template failed: {error}").format(
                error=f"{type(error).__name__}: {error}")) from error

    def _within(self, budget: Budget, work: Callable[[], Result]) -> Result:
        """Run work on this thread within budget; going over refuses the template for good."""
        with self._lock:
            self._environment.budget = budget
            try:
                budget.start()
                try:
                    return work()
                finally:
                    budget.stop()
            except (OverBudget, MemoryError) as error:  # memory ran out before the watchdog looked: the same refusal
                # an OverBudget's reason is the core's words (translated when shown); the watchdog's is kept on the budget
                reason = (error.args[0] if error.args else "") or budget.reason or translate("core", "it ran out of memory")
                self._refusal = translate(
                    "core", "the model's chat template was stopped and is refused: {reason} (a chat template takes "
                            "milliseconds); use another file of this model").format(reason=reason)
        raise TemplateBudgetError(self._refusal)


def _fold_system(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    system, rest = messages[0]["content"], [dict(m) for m in messages[1:]]
    if rest and rest[0]["role"] == "user":
        rest[0]["content"] = f"{system}\n\n{rest[0]['content']}"
    return rest
