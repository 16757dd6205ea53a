"""Chat templates render as Jinja would, and a hostile one is stopped within its time and size budgets."""

import json
import subprocess
import sys
import textwrap

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from desktop.core.engine.template import ChatTemplate, ChatTemplateError, TemplateBudgetError

SMOLLM2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
NO_SYSTEM = (
    "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] | trim }}{% endfor %}<assistant>"
)
CONVERSATION = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello"},
    {"role": "assistant", "content": "Hi!"},
    {"role": "user", "content": "What is 2+2?"},
]

# Each would hang for hours or take gigabytes in one step with a plain sandbox.
HOSTILE = {
    "nested loops": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "huge constant": "{{ 'a' * 12000000000 }}",
    "huge constant kept aside": "{% set x = 'ab' * 6000000000 %}{{ messages[0].content }}",
    "doubling with ~": "{% set ns = namespace(s='a') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "doubling with +": "{% set ns = namespace(s='a') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "center filter": "{{ 'a' | center(10000000000) }}",
    "ljust method": "{{ 'a'.ljust(9999999999) }}",
    "printf width": "{{ '%0999999999d' % 1 }}",
    "format width": "{{ '{:>9999999999}'.format(1) }}",
    "repeated join": "{% set s = 'a' * 10000000 %}{{ ([s] * 10000) | join }}",
    "list printed": "{% set s = 'a' * 10000000 %}{{ [s] * 10000 }}",
    "tojson": "{% set s = 'a' * 10000000 %}{{ ([s] * 10000) | tojson }}",
    "output in a loop": "{% set s = 'a' * 10000000 %}{% for i in range(100000) %}{{ s }}{% endfor %}",
    "captured block": "{% set s = 'a' * 10000000 %}{% set t %}{% for i in range(100000) %}{{ s }}{% endfor %}{% endset %}",
    "replace": "{{ ('a' * 100000).replace('a', 'b' * 100000) }}",
    "quadratic sum": "{% set s = [0] * 100000 %}{{ ([s] * 100000) | sum(start=[]) | length }}",
    "many centred values": "{{ range(100000) | map('center', 1000000) | list | length }}",
    "batch fill": "{{ [1] | batch(1000000000, 0) | list | length }}",
    "huge power": "{% set n = 10 ** 100000 %}{{ n ** n }}",
}

# Runs in a child with its address space capped at 2 GB: a guard that fails cannot take the machine's memory.
CHILD = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
    from desktop.core.engine.template import ChatTemplate, TemplateBudgetError
    results = {}
    for name, source in json.loads(sys.argv[1]).items():
        started = time.monotonic()
        try:
            ChatTemplate(source, "<s>", "</s>").render([{"role": "user", "content": "hi"}])
            outcome = "rendered"
        except TemplateBudgetError as error:
            outcome = "refused: " + str(error)
        except BaseException as error:
            outcome = "other: " + repr(error)[:200]
        peak_mb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) // 1024  # own peak: ru_maxrss carries pytest's over fork+exec
        results[name] = [outcome, round(time.monotonic() - started, 2), peak_mb]
    print(json.dumps(results))
""")


def test_renders_like_jinja_and_folds_the_system_prompt_where_the_template_has_no_system_role():
    plain = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).from_string(SMOLLM2)
    expected = plain.render(messages=CONVERSATION, add_generation_prompt=True)
    assert ChatTemplate(SMOLLM2, "<s>", "</s>").render(CONVERSATION) == expected
    folded = ChatTemplate(NO_SYSTEM, "<s>", "</s>").render(CONVERSATION)
    assert folded.startswith("<user>Be brief.\n\nHello<assistant>Hi!")


def test_a_long_conversation_and_a_big_message_are_within_budget():
    long = [{"role": "user" if n % 2 == 0 else "assistant", "content": f"message {n} " * 40} for n in range(2001)]
    assert ChatTemplate(SMOLLM2, "", "").render(long).count("<|im_start|>") == 2003  # and the default system turn
    big = [{"role": "user", "content": "x" * 30_000_000}]  # bigger than the base budget: it grows with the input
    assert len(ChatTemplate(SMOLLM2, "", "").render(big)) > 30_000_000


@pytest.mark.slow
def test_hostile_templates_are_refused_within_budget_without_taking_memory():
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(HOSTILE)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    for name, (outcome, seconds, peak_mb) in results.items():
        assert outcome.startswith("refused: the model's chat template was stopped"), (name, outcome)
        # the render's 512 MB budget plus the interpreter, and what a loaded machine allocates between two
        # of the watchdog's looks (1,395 MB seen at load 4); unguarded, each one hits the 2 GB limit instead
        assert peak_mb < 1700, (name, peak_mb)
        assert seconds < 30, (name, seconds)  # budgets are 1 s (render) and 3 s (compile); a hang would be hours


# 700 MB of centred strings, over the 512 MB growth budget, after a peak of 1.2 GB that was freed; then the same
# with the address space capped 300 MB above what the child has, so memory runs out before the watchdog looks.
AFTER_A_PEAK = textwrap.dedent("""
    import json, resource, sys
    from desktop.core.engine.template import ChatTemplate, TemplateBudgetError
    GROWS = "{{ range(700) | map('center', 1000000) | list | length }}"
    def outcome():
        try:
            ChatTemplate(GROWS, "", "").render([{"role": "user", "content": "hi"}])
            return "rendered"
        except TemplateBudgetError as error:
            return "refused: " + str(error)
    peak = b"a" * (1200 * 2**20)
    del peak
    results = [outcome()]
    size = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize:")).split()[1]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size + 300 * 2**20, size + 300 * 2**20))
    results.append(outcome())
    print(json.dumps(results))
""")


@pytest.mark.slow
def test_memory_is_watched_from_what_the_process_has_now_and_running_out_is_a_refusal():
    done = subprocess.run([sys.executable, "-c", AFTER_A_PEAK], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    after_peak, out_of_memory = json.loads(done.stdout)
    assert after_peak.startswith("refused: the model's chat template was stopped and is refused: it used more than 512 MB")
    assert out_of_memory.startswith("refused: the model's chat template was stopped and is refused: it ran out of memory")


def test_a_template_over_budget_is_refused_at_once_from_then_on():
    template = ChatTemplate("{% if messages | length > 4 %}{{ 'a' * 10 ** 12 }}{% endif %}ok", "", "")
    with pytest.raises(TemplateBudgetError, match="would build a text of more than"):
        template.render(CONVERSATION + CONVERSATION[1:])
    with pytest.raises(TemplateBudgetError):
        template.render([{"role": "user", "content": "short"}])  # refused without rendering again


def test_errors_inside_a_template_are_the_templates_fault():
    with pytest.raises(ChatTemplateError, match="TypeError"):
        ChatTemplate("{{ 'a' + 1 }}", "", "").render(CONVERSATION)
    with pytest.raises(ChatTemplateError, match="RecursionError"):
        ChatTemplate("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "", "").render(CONVERSATION)
    with pytest.raises(TemplateBudgetError, match="characters long"):
        ChatTemplate("x" * 300_000, "", "")
