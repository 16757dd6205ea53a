"""System prompt presets offered in the System prompt panel; new conversations start with the first."""

from desktop.core.words import translate

# The names are shown (translated in the window); the prompts are what the model reads, in English.
PRESETS: dict[str, str] = {
    translate("core", "Plain assistant"): "You are a helpful assistant.",
    translate("core", "Concise"): "You are a helpful assistant. Answer in one or two short sentences. No preamble, no lists unless asked.",
    translate("core", "Step-by-step reasoning"): (
        "You are a careful assistant. Think through the problem step by step, numbering each step, "
        "then give the final answer on its own line starting with 'Answer:'."
    ),
    translate("core", "Few-shot template"): (
        "You answer in the same format as these examples.\n\n"
        "Q: What is the capital of Italy?\nA: Rome.\n\n"
        "Q: What is 12 times 3?\nA: 36.\n\n"
        "Q: Who wrote 'Hamlet'?\nA: William Shakespeare."
    ),
}

DEFAULT_SYSTEM_PROMPT = PRESETS["Plain assistant"]
