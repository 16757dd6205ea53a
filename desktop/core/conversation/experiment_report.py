"""An experiment as Markdown a person can read: a table of its results, with the setups and seeds that made them."""

import math

from desktop.core.store.experiments import Experiment


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def experiment_markdown(experiment: Experiment, level: int = 1) -> str:
    """The experiment under a heading of `level` (1: a document of its own; deeper inside a conversation's export)."""
    data = experiment.data
    lines = [f"{'#' * level} {_cell(experiment.title)}", "",
             f"{experiment.kind} · {experiment.created_at[:19].replace('T', ' ')} · model {_cell(data['engine']['model'])}", ""]
    if experiment.kind == "score":
        lines += ["| Text | Log-prob | Perplexity | Tokens |", "|---|---:|---:|---:|"]
        lines += [f"| {_cell(c['text'])} | {c['logprob']:.3f} | {c['perplexity']:.2f} | {len(c['tokens'])} |"
                  for c in data["candidates"]]
    elif experiment.kind == "sample":
        total = len(data["samples"])
        lines += [f"{total} replies, seeds {data['first_seed']}–{data['first_seed'] + total - 1}, "
                  f"temperature {data['settings']['temperature']}", "",
                  "| Answer | Count |", "|---|---:|"]
        lines += [f"| {_cell(g['text'])} | {g['count']} |" for g in data["groups"]]
        lines += ["", "| First token | Model probability | Drawn |", "|---|---:|---:|"]
        lines += [f"| {_cell(r['text'])} | {r['model_prob']:.1%} | {r['count']}/{total} |" for r in data["first_token"][:10]]
    else:
        lines += ["| Setup | Reply | Mean log-prob | Perplexity | Tokens | End |", "|---|---|---:|---:|---:|---|"]
        for c in data["columns"]:
            mean = "" if c["mean_logprob"] is None else f"{c['mean_logprob']:.3f}"
            ppl = "" if c["perplexity"] is None else f"{c['perplexity']:.2f}"
            lines.append(f"| {_cell(c['label'])} | {_cell(c['text'])} | {mean} | {ppl} | {len(c['tokens'])} | {c['finish_reason']} |")
        position = data["first_divergence"]
        positions = data.get("divergence") or [position] * len(data["columns"])  # per column since models per column
        lines += ["", "The answers never part." if position is None else "Where the answers part:"]
        if position is not None:
            for c, at in zip(data["columns"], positions):
                if at is not None and at < len(c["tokens"]):
                    token = c["tokens"][at]
                    lines.append(f"- {_cell(c['label'])}: token {at + 1}, drew {_cell(repr(token['text']))} "
                                 f"({math.exp(token['logprob']):.0%})")
    return "\n".join(lines) + "\n"
