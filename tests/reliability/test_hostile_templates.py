"""A GGUF with a hostile chat template: refused within its budget at load, never compiled by llama-cpp-python."""

import json
import subprocess
import sys
import textwrap

import pytest

from tests.e2e.runner import inkling
from tests.reliability.hostile_gguf import with_metadata

pytestmark = pytest.mark.slow

NESTED_LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
HUGE_CONSTANT = "{{ 'a' * 12000000000 }}"
# Jinja folds constants when it compiles: this one is minutes of CPU (a 40 MB integer), then refused.
SLOW_CONSTANT = "{{ 9 ** 99999999 }}"
PLAIN = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}<|im_start|>assistant\n"

# The engine loads in a child whose address space is capped at 2 GB: a template compiled or
# rendered without a budget fails there with MemoryError instead of taking 12 GB of the machine.
CHILD = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.engine.types import EngineConfig, EngineError
    started = time.monotonic()
    try:
        engine = LlamaEngine(sys.argv[1], EngineConfig(n_ctx=512))
        outcome = "loaded: " + engine.render([{"role": "user", "content": "hi"}])
    except EngineError as error:
        outcome = "refused: " + str(error)
    peak_mb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) // 1024  # own peak: ru_maxrss carries pytest's over fork+exec
    print(json.dumps([outcome, time.monotonic() - started, peak_mb]))
""")


@pytest.fixture(scope="module")
def hostile(smollm2_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-ggufs")
    return {
        "loops": with_metadata(smollm2_path, folder / "loops.gguf", {"tokenizer.chat_template": NESTED_LOOPS}),
        "constant": with_metadata(smollm2_path, folder / "constant.gguf", {"tokenizer.chat_template": HUGE_CONSTANT}),
        # templates Inkling never uses: llama-cpp-python compiled them at load all the same
        "unused": with_metadata(smollm2_path, folder / "unused.gguf", {
            "tokenizer.chat_template": PLAIN, "tokenizer.chat_template.tool_use": SLOW_CONSTANT,
            "tokenizer.chat_template.rag": HUGE_CONSTANT,
        }),
    }


def load(path) -> tuple[str, float, int]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return tuple(json.loads(done.stdout.splitlines()[-1]))


def test_a_template_that_loops_for_hours_is_refused_at_load(hostile):
    outcome, seconds, _peak = load(hostile["loops"])
    assert outcome.startswith("refused: the model's chat template was stopped and is refused: it ran for more than 1 s")
    assert seconds < 60  # the render budget is 1 s; without it, the load never ends


def test_a_template_with_a_huge_constant_is_refused_without_taking_the_memory(hostile):
    outcome, _seconds, peak_mb = load(hostile["constant"])
    assert outcome.startswith("refused: the model's chat template was stopped"), outcome
    assert "characters" in outcome
    assert peak_mb < 1200


def test_templates_inkling_does_not_use_are_never_compiled(hostile):
    outcome, seconds, peak_mb = load(hostile["unused"])  # compiled, they took minutes (or 12 GB)
    assert seconds < 60
    assert outcome == "loaded: <|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant"  # Jinja drops the final newline
    assert peak_mb < 1200


def test_ask_with_a_hostile_model_says_why_in_one_line(hostile):
    done = inkling("ask", "--model", str(hostile["loops"]), "hello")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "chat template was stopped" in lines[0], done.stderr
