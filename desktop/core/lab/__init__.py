"""The lab: score a text, sample many replies, compare setups — the differences behind one reply, kept as experiments."""
