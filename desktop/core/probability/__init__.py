"""Probabilities: token traces, sampler maths, what-if, reply summaries and heatmap colours (no Qt)."""
