"""PyInstaller runtime hook: the telemetry switches are set before the bundled app imports anything else."""

from desktop.core.offline import go_offline

go_offline()
