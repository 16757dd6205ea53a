"""Remote engines: llama-server (and the probe of any OpenAI-compatible server) over HTTP."""
