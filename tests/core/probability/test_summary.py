"""A reply's summary holds for any log-probabilities a server may send, however small."""

import math

import numpy as np

from desktop.core.lab.score import ScoredText
from desktop.core.probability.summary import perplexity, summarize


def test_a_servers_impossible_token_gives_an_infinite_perplexity_not_an_error():
    # (before: OverflowError from math.exp once the mean fell below -709; vLLM sends -9999 for a masked token)
    summary = summarize(np.array([-0.1, -9999.0]), ["Yes", "."])
    assert summary.perplexity == math.inf and summary.mean_logprob == -4999.55
    assert summary.least_confident[0].text == "." and summary.least_confident[0].probability == 0.0


def test_perplexity_is_the_exponent_of_the_negative_mean():
    assert perplexity(-math.log(4)) == 4.0 and perplexity(0.0) == 1.0 and perplexity(-709.5) == math.inf


def test_a_scored_text_with_an_impossible_token_has_an_infinite_perplexity():
    assert ScoredText("No.", (object(), object()), -2000.0).perplexity == math.inf
