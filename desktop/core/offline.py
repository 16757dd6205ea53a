"""Offline by construction: switch off the dependencies' own network traffic before any of them is imported."""

import os

# onnxruntime (≥1.2x) ships Microsoft's 1DS telemetry: it resolves mobile.events.data.microsoft.com and
# queues events under ~/.cache/Microsoft/DeveloperTools/ unless this is set before it is imported.
# chromadb reads ANONYMIZED_TELEMETRY into its Settings (posthog); the hub variables keep tokenizers'
# and llama-cpp-python's download helpers from ever reaching for the network.
OFFLINE_ENVIRONMENT = {
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


def go_offline() -> None:
    """Set the switches for this process and its children; the user's own values never turn them back on."""
    os.environ.update(OFFLINE_ENVIRONMENT)
