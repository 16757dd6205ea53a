"""The lab on the real bundled model: scoring agrees with generation, samples are reproducible draws, compare lines up."""

import dataclasses
import math
from collections import Counter

import pytest

from desktop.core.engine.types import TokenEvent
from desktop.core.lab.compare import Setup, SetupError, first_divergence, run_compare
from desktop.core.lab.sample import sample_many
from desktop.core.lab.score import score_texts
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.build import ChatMessage, build_prompt

# llama.cpp's CPU results depend on how tokens are batched (a token's keys and values computed within a
# batch or alone): scoring a reply in one batch differs from what its generation recorded by up to 0.30
# nats a token on SmolLM2 Q4_1 (mean 0.036, 220 tokens of 4 prompts); Gemma 3: 0.13 (mean 0.011).
# Scoring a token at a time from a fresh prompt (exact=True) agrees to 3e-7 on SmolLM2.
BATCHED_TOLERANCE = 0.35
EXACT_TOLERANCE = 1e-5
GREEDY = SamplerSettings(temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, seed=1, max_tokens=24)
PURE = SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, max_tokens=1)


def prompt_for(engine, text="Name a colour."):
    return build_prompt(engine, "You are a helpful assistant.", [ChatMessage("user", text)], 1024)


def generate(engine, prompt, settings):
    return [e for e in engine.stream(list(prompt.tokens), settings, top_logprobs=5) if isinstance(e, TokenEvent)]


def test_scoring_a_reply_gives_the_log_probabilities_its_generation_recorded(smollm2):
    prompt = prompt_for(smollm2)
    smollm2.clear_cache()
    events = generate(smollm2, prompt, GREEDY)
    ids = [e.token_id for e in events if not e.end_of_text]
    recorded = [e.record.logprob for e in events[: len(ids)]]
    [exact] = smollm2.score_continuations(list(prompt.tokens), [ids], top=5, exact=True)
    [batched] = smollm2.score_continuations(list(prompt.tokens), [ids], top=5)
    assert [t.id for t in exact] == [t.id for t in batched] == ids
    assert [t.logprob for t in exact] == pytest.approx(recorded, abs=EXACT_TOLERANCE)
    assert [t.logprob for t in batched] == pytest.approx(recorded, abs=BATCHED_TOLERANCE)
    assert all(t.rank == 1 for t in exact)  # greedy: every token was the model's first choice
    assert sum(t.logprob for t in exact) == pytest.approx(sum(recorded), abs=EXACT_TOLERANCE * len(ids))


def test_candidates_are_ranked_and_the_prompt_cache_survives(smollm2):
    prompt = prompt_for(smollm2, "What is the capital of France?")
    scored = score_texts(smollm2, prompt, ["Lyon.", "The capital of France is Paris."], top=3)
    assert scored[0].text == "The capital of France is Paris."
    assert scored[0].logprob > scored[1].logprob
    assert all(t.rank >= 1 and len(t.top) == 3 for s in scored for t in s.tokens)
    assert scored[0].perplexity == pytest.approx(math.exp(-scored[0].logprob / len(scored[0].tokens)))
    again = score_texts(smollm2, prompt, ["Lyon."], top=3)  # a second run, from the cached prompt, agrees
    assert again[0].logprob == pytest.approx(scored[1].logprob, abs=BATCHED_TOLERANCE)


def test_samples_at_temperature_zero_are_identical_and_seeded_ones_reproducible(smollm2):
    prompt = prompt_for(smollm2)
    greedy = sample_many(smollm2, prompt, dataclasses.replace(GREEDY, max_tokens=8), 4, first_seed=5)
    assert len({s.text for s in greedy.samples}) == 1
    assert greedy.groups() == [(greedy.samples[0].text.strip(), 4)]
    warm = dataclasses.replace(PURE, max_tokens=6)
    first = sample_many(smollm2, prompt, warm, 5, first_seed=11)
    second = sample_many(smollm2, prompt, warm, 5, first_seed=11)
    assert [s.text for s in first.samples] == [s.text for s in second.samples]
    assert [s.seed for s in first.samples] == [11, 12, 13, 14, 15]


def test_first_token_frequencies_follow_the_model_probabilities(smollm2):
    # 50 one-token draws at temperature 1 with fixed seeds: deterministic. A chi-square over the tokens
    # the model gives at least 10% (the rest pooled) must stay below the 0.1% critical value.
    samples = sample_many(smollm2, prompt_for(smollm2), PURE, 50, first_seed=1000)
    rows = samples.first_tokens()
    assert sum(r.count for r in rows) == 50
    big = [r for r in rows if r.model_prob >= 0.1]
    assert big, "the prompt should have a likely first token"
    observed = [r.count for r in big] + [50 - sum(r.count for r in big)]
    expected = [50 * r.model_prob for r in big] + [50 * (1 - sum(r.model_prob for r in big))]
    chi2 = sum((o - e) ** 2 / e for o, e in zip(observed, expected) if e > 0)
    critical = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 6: 22.46}[len(observed) - 1]
    assert chi2 < critical, (observed, expected)


def test_any_position_shows_the_model_probability_beside_how_often_the_samples_sharing_it_drew_each_token(smollm2):
    from desktop.core.lab.sample import next_tokens

    result = sample_many(smollm2, prompt_for(smollm2), dataclasses.replace(PURE, max_tokens=3), 30, first_seed=7)
    samples = [s.to_json() for s in result.samples]
    first = Counter(s["tokens"][0]["id"] for s in samples)
    common, n = first.most_common(1)[0]
    rows, sharing = next_tokens(samples, [common])
    assert sharing == n > 1 and sum(r["count"] for r in rows) == n
    seconds = [s["tokens"][1] for s in samples if s["tokens"][0]["id"] == common]
    # the same prefix, the same computation: every sample sharing it saw one distribution there
    assert all(t["top"] == seconds[0]["top"] and t["entropy"] == seconds[0]["entropy"] for t in seconds)
    for token in seconds:
        row = next(r for r in rows if r["id"] == token["id"])
        assert row["model_prob"] == pytest.approx(math.exp(token["logprob"]))
        assert row["sampler_prob"] == token["sampled_prob"] and row["count"] >= 1
    assert next_tokens(samples, [])[1] == 30
    assert next_tokens(samples, [common, -5]) == ([], 0)


def test_compare_identical_setups_agree_and_the_divergence_is_the_first_differing_id(smollm2):
    history = [ChatMessage("user", "Name a colour.")]
    base = dataclasses.replace(GREEDY, max_tokens=10)
    same = run_compare(smollm2, "You are a helpful assistant.", history, base,
                       [Setup({"temperature": 1.5, "seed": 3}), Setup({"temperature": 1.5, "seed": 3})])
    assert same[0].text == same[1].text
    assert [r.id for r in same[0].tokens] == [r.id for r in same[1].tokens]
    assert [r.logprob for r in same[0].tokens] == [r.logprob for r in same[1].tokens]
    assert first_divergence(same) is None
    apart = run_compare(smollm2, "You are a helpful assistant.", history, base,
                        [Setup(), Setup(system_prompt="Answer only in French.")])
    position = first_divergence(apart)
    assert position is not None
    ids = [[r.id for r in c.tokens] for c in apart]
    assert ids[0][:position] == ids[1][:position]
    assert position >= min(map(len, ids)) or ids[0][position] != ids[1][position]


def test_setups_are_read_from_the_command_line_or_refused():
    assert Setup.parse("temperature=1.2,seed=7").overrides == {"temperature": 1.2, "seed": 7}
    assert Setup.parse("top-k=5,system=Be brief, please.").system_prompt == "Be brief, please."
    for bad in ("warmth=3", "temperature=hot", "temperature"):
        with pytest.raises(SetupError):
            Setup.parse(bad)
    with pytest.raises(SetupError):
        Setup.parse("temperature=9").settings(SamplerSettings())


def test_groups_count_near_identical_answers():
    from desktop.core.lab.sample import Sample, SampleSet

    texts = ["Paris.", "paris", " Paris ", "Lyon", "The capital is Paris"]
    result = SampleSet(SamplerSettings(), tuple(Sample(i, t, (), "stop") for i, t in enumerate(texts)))
    assert result.groups() == [("Paris.", 3), ("Lyon", 1), ("The capital is Paris", 1)]
    assert Counter(dict(result.groups())).total() == len(texts)


def test_a_kept_run_runs_again_exactly_from_what_it_recorded(smollm2):
    from desktop.core.lab.jobs import compare_job, rerun_job, sample_job, score_job

    history = [ChatMessage("user", "Name a colour.")]
    warm = dataclasses.replace(PURE, max_tokens=5, seed=21)
    report = lambda _item: None  # noqa: E731
    for job in (compare_job("You are a helpful assistant.", history, warm, [Setup(), Setup({"temperature": 1.5})]),
                sample_job("You are a helpful assistant.", history, warm, 3),
                score_job("You are a helpful assistant.", history, ["Blue.", "Red."], warm)):
        first = job(smollm2, None, report)
        kind = "compare" if "columns" in first else "sample" if "samples" in first else "score"
        smollm2.score_continuations(list(prompt_for(smollm2, "Something else.").tokens), [[1, 2]])  # a different cache
        again = rerun_job(kind, first)(smollm2, None, report)
        for run in (first, again):  # how long the first token took is a time, not a result
            for column in run.get("columns", ()):
                column.pop("ttft_ms")
        assert again == first, kind


def test_a_column_can_run_on_another_model_and_the_answers_part_where_their_texts_do(smollm2, gemma, gemma_path):
    from desktop.core.lab.compare import compare_data, describe_engine

    history = [ChatMessage("user", "Name a colour.")]
    base = dataclasses.replace(GREEDY, max_tokens=8)
    other = f"model:{gemma_path}"
    columns = run_compare(smollm2, "You are a helpful assistant.", history, base,
                          [Setup(), Setup(engine=other)], engines={other: gemma})
    assert columns[0].engine is None and columns[1].engine == describe_engine(gemma)
    assert "gemma" in Setup(engine=other).label()
    data = compare_data([c.to_json() for c in columns], describe_engine(smollm2))
    texts = [c.text for c in columns]
    char = next(i for i, (a, b) in enumerate(zip(texts[0] + "\0", texts[1] + "\1")) if a != b)
    for column, position in zip(data["columns"], data["divergence"]):
        pieces = [t["text"] for t in column["tokens"] if not t["eog"]]
        if position is None:  # this answer had ended where the other went on
            assert len("".join(pieces)) <= char
        else:
            assert len("".join(pieces[:position])) <= char < len("".join(pieces[:position + 1]))


def test_a_setup_adds_examples_as_earlier_turns_and_notes_only_when_on(smollm2):
    from dataclasses import dataclass as plain

    from desktop.core.lab.compare import run_column

    @plain
    class Note:
        title: str
        text: str

    history = [ChatMessage("user", "What colour is the sky on Zog?")]
    base = dataclasses.replace(GREEDY, max_tokens=4)
    notes = [Note("Zog", "On the planet Zog the sky is purple.")]
    setups = [Setup(), Setup(notes=True), Setup(examples=(("Colour of grass?", "Green."),)),
              Setup.parse("notes=on,temperature=0")]
    off, on, shown, parsed = (run_column(smollm2, "Be brief.", history, base, s, sources=notes) for s in setups)
    text = [b"".join(smollm2.token_bytes(t) for t in c.prompt_tokens).decode() for c in (off, on, shown)]
    assert "purple" not in text[0] and "purple" in text[1] and on.sources_used == 1 and off.sources_used == 0
    assert text[2].index("Colour of grass?") < text[2].index("Green.") < text[2].index("Zog?")
    assert parsed.setup.notes and parsed.prompt_tokens == on.prompt_tokens
    assert on.to_json()["sources_used"] == 1 and "sources_used" not in off.to_json()
    assert Setup.from_json(on.setup.to_json()) == on.setup


def test_a_running_column_reports_its_tokens_as_they_are_drawn_then_the_column(smollm2, monkeypatch):
    from desktop.core.lab import jobs

    monkeypatch.setattr(jobs, "STREAM_S", 0.0)  # every token its own report
    reports = []
    history = [ChatMessage("user", "Name a colour.")]
    done = jobs.columns_job("You are a helpful assistant.", history, dataclasses.replace(GREEDY, max_tokens=6),
                            [(1, Setup())])(smollm2, None, reports.append)
    [(index, column)] = done["columns"]
    streamed = [t for what, i, tokens in reports[:-1] for t in tokens if what == "tokens" and i == 1]
    assert reports[-1] == ("column", 1, column) and index == 1
    assert len(reports) == len(column["tokens"]) + 1 and streamed == column["tokens"]
