"""The prompt: history, notes and system prompt turned into tokens within the context budget, and its record."""
