"""Conversations: one reply's owner (the session), turns, edits, branches, grounding and transfer."""
