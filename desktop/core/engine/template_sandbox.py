"""A Jinja sandbox with budgets: time and memory watched by a trace function, sizes checked before any one step."""

import ctypes
import functools
import re
import resource
import string
import sys
import threading
import time

from jinja2.compiler import CodeGenerator
from jinja2.runtime import Namespace
from jinja2.sandbox import ImmutableSandboxedEnvironment

from desktop.core.words import translate

# Big ints: a template never needs more; 10**10**9 would take minutes inside one C call.
MAX_INT_BITS = 1 << 16
# How deep the size estimate looks into nested lists and dicts before it calls the value too big.
MAX_DEPTH = 64
# Time and memory are looked at this often (seconds); between two looks only steps that were sized run.
WATCH_INTERVAL_S = 0.002
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
# str methods whose result can be much bigger than the string: checked before the call.
_GROWING_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join", "translate"}
# Filters that build their result in one C call from a size the template chooses.
_WIDTH_ARGUMENT = {"center": 0, "indent": 0, "batch": 0}
_PAGE_BYTES = resource.getpagesize()


class OverBudget(BaseException):
    """A render or compile went over its budget. A BaseException so no `except Exception` inside Jinja swallows it."""


def _rss_bytes() -> int:
    """This process's memory now. Not its peak: after one big render (or a model load) the peak would let
    the next render grow by that much more before the watchdog saw any growth at all."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES
    except OSError:  # no /proc (macOS): the peak, which still grows with a render that keeps growing
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


class Budget:
    """One render's (or compile's) limits: seconds, characters per value and in total, memory growth.

    A watchdog thread interrupts the rendering thread (an asynchronous OverBudget, delivered between
    two bytecodes) once time runs out or memory grows too much, so a nested loop or a value grown step
    by step stops in milliseconds; one step that could build a huge value at once (`'a' * n`,
    `|center(n)`, `[s] * n | join`) is sized before it runs. Tracing every line instead costs a
    render twenty times its time.
    """

    def __init__(self, seconds: float, max_chars: int, max_growth_bytes: int):
        self.seconds = seconds
        self.max_chars = max_chars
        self.max_growth_bytes = max_growth_bytes
        self.reason = ""  # why the watchdog interrupted, if it did
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def start(self) -> None:
        """Watch the calling thread from now until stop()."""
        thread_id, deadline, rss = threading.get_ident(), time.monotonic() + self.seconds, _rss_bytes()
        threading.Thread(target=self._watch, args=(thread_id, deadline, rss), name="template-watchdog", daemon=True).start()

    def stop(self) -> None:
        """The work ended: no interruption may arrive after this returns."""
        with self._lock:
            self._stopped.set()
            if self.reason:  # fired but not delivered yet: take it back
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.get_ident()), None)

    def _watch(self, thread_id: int, deadline: float, rss_at_start: int) -> None:
        while not self._stopped.wait(WATCH_INTERVAL_S):
            if time.monotonic() > deadline:
                reason = translate("core", "it ran for more than {seconds} s").format(seconds=f"{self.seconds:g}")
            elif _rss_bytes() - rss_at_start > self.max_growth_bytes:
                reason = translate("core", "it used more than {size} MB of memory").format(size=self.max_growth_bytes // 2**20)
            else:
                continue
            with self._lock:
                if not self._stopped.is_set():
                    self.reason = reason
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(OverBudget))
            return

    def check(self, chars: int) -> None:
        if chars > self.max_chars:
            raise OverBudget(translate("core", "it would build a text of more than {count} characters").format(count=f"{self.max_chars:,}"))

    def weigh(self, value, depth: int = 0, seen: dict | None = None) -> int:
        """About how many characters str(value) has, counted without building it; over the limit raises."""
        if isinstance(value, (str, bytes)):
            return len(value)
        if isinstance(value, bool) or value is None:
            return 5
        if isinstance(value, int):
            return value.bit_length() // 3 + 2
        if isinstance(value, float):
            return 24
        if isinstance(value, Namespace):  # its repr shows every attribute
            value = object.__getattribute__(value, "_Namespace__attrs")
        if not isinstance(value, (list, tuple, dict, set, frozenset)):
            return 64  # a loop, cycler, macro or undefined: small reprs
        seen = {} if seen is None else seen
        if id(value) in seen:
            return seen[id(value)]
        if depth > MAX_DEPTH:
            raise OverBudget(translate("core", "it nests values too deeply"))
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 2
        for item in items:
            total += self.weigh(item, depth + 1, seen) + 2
            self.check(total)
        seen[id(value)] = total
        return total


class _BoundedCodeGenerator(CodeGenerator):
    """`a ~ b` joins through the environment, which sizes the pieces first (Jinja's own str_join cannot be hooked)."""

    def visit_Concat(self, node, frame) -> None:  # noqa: N802 (Jinja's visitor naming)
        self.write("environment.join_pieces((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox (no attribute tricks, CVE-2024-34359) whose every growing step is sized.

    `budget` must be set to the Budget of the render or compile in progress.
    """

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, budget: Budget, **options):
        super().__init__(finalize=self._sized_output, **options)
        self.budget = budget
        self.globals.pop("lipsum", None)  # lorem ipsum of any length: never needed by a chat template
        self.concat = self._bounded_concat
        self.filters = {name: self._bounded_filter(name, function) for name, function in self.filters.items()}

    def _sized_output(self, value):
        self.budget.weigh(value)
        return value

    def _bounded_concat(self, pieces) -> str:
        """{% set %} blocks, macros and call blocks collect their output here: summed as it comes."""
        collected, total = [], 0
        for piece in pieces:
            total += len(piece)
            self.budget.check(total)
            collected.append(piece)
        return "".join(collected)

    def join_pieces(self, pieces: tuple) -> str:
        total = 0
        for piece in pieces:
            total += self.budget.weigh(piece)
            self.budget.check(total)
        return "".join(map(str, pieces))

    def call_binop(self, context, operator: str, left, right):
        budget = self.budget
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(count, int) and isinstance(sequence, (str, bytes, list, tuple)):
                    budget.check(budget.weigh(sequence) * max(count, 0))
            if isinstance(left, int) and isinstance(right, int):
                self._check_bits(left.bit_length() + right.bit_length())
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
                self._check_bits(left.bit_length() * right)
        elif operator == "+":
            if isinstance(left, str) and isinstance(right, str):  # the common case, kept cheap
                budget.check(len(left) + len(right))
            elif isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
                budget.check(budget.weigh(left) + budget.weigh(right))
        elif operator == "%" and isinstance(left, str):
            self._check_printf(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") in _GROWING_METHODS:
            if __obj.__name__ == "join" and args:
                args = (list(args[0]), *args[1:])  # sized below, then joined from the same list
            __self._check_method(owner, __obj.__name__, args)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        """str.format / format_map: widths in the field specs and the arguments are sized before formatting."""
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt = value.__self__

        @functools.wraps(wrapper)
        def sized(*args, **kwargs):
            total = len(fmt) + sum(self.budget.weigh(item) for item in (*args, *kwargs.values()))
            for _literal, _field, spec, _conversion in string.Formatter().parse(fmt):
                if spec and "{" in spec:
                    raise OverBudget(translate("core", "it computes a format width at render time"))
                total += sum(int(number) for number in re.findall(r"\d+", spec or ""))
            self.budget.check(total)
            return wrapper(*args, **kwargs)

        return sized

    # --- sizes of single steps ----------------------------------------------------------------------
    def _check_bits(self, bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise OverBudget(translate("core", "it computes a number of more than {bits} bits").format(bits=MAX_INT_BITS))

    def _check_printf(self, fmt: str, values) -> None:
        total = len(fmt) + self.budget.weigh(values)
        for width, precision in _PRINTF.findall(fmt):
            if "*" in (width, precision):
                raise OverBudget(translate("core", "it computes a format width at render time"))
            total += int(width or 0) + int(precision or 0)
        self.budget.check(total)

    def _check_method(self, text: str, name: str, args: tuple) -> None:
        budget = self.budget
        if name in ("center", "ljust", "rjust", "zfill") and args and isinstance(args[0], int):
            budget.check(args[0])
        elif name == "expandtabs":
            size = args[0] if args and isinstance(args[0], int) else 8
            budget.check(len(text) + text.count("\t") * max(size, 0))
        elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            budget.check(len(text) + (text.count(args[0]) if args[0] else len(text) + 1) * len(args[1]))
        elif name == "join" and args:
            budget.check(sum(budget.weigh(item) for item in args[0]) + len(text) * len(args[0]))
        elif name == "translate" and args and isinstance(args[0], dict):
            widest = max((budget.weigh(value) for value in args[0].values()), default=1)
            budget.check(len(text) * max(widest, 1))

    def _bounded_filter(self, name: str, function):
        """Every filter's input and arguments are sized (most stringify them in one C call); a few more."""

        @functools.wraps(function)  # keeps jinja_pass_arg, so context-taking filters still get it
        def bounded(*args, **kwargs):
            budget = self.budget
            for value in (*args, *kwargs.values()):
                budget.weigh(value)
            # the value is the first argument after a context, eval context or environment
            offset = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
            value, rest = (args[offset], args[offset + 1:]) if len(args) > offset else (None, ())
            if name in _WIDTH_ARGUMENT and rest and isinstance(rest[0], int):
                budget.check(rest[0] * max(1, str(value).count("\n") + 1 if name == "indent" else 1))
            elif name == "format" and isinstance(value, str):
                self._check_printf(value, rest or kwargs)
            elif name == "replace" and isinstance(value, str) and len(rest) >= 2:
                self._check_method(value, "replace", tuple(map(str, rest[:2])))
            elif name == "join" and value is not None:
                items = list(value)
                budget.check(sum(budget.weigh(item) for item in items) + budget.weigh(rest[0] if rest else "") * len(items))
                args = (*args[:offset], items, *rest)
            elif name == "sum" and value is not None:
                items = list(value)
                if any(isinstance(item, (str, bytes, list, tuple)) for item in items):
                    # adding lists or strings copies the growing total each time: n * total characters
                    budget.check(len(items) * sum(budget.weigh(item) for item in items))
                args = (*args[:offset], items, *rest)
            return function(*args, **kwargs)

        return bounded
