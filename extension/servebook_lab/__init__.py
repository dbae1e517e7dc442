"""servebook_lab: the Jupyter server extension behind the servebook JupyterLab panel.

Only the extension points live here; the application is :class:`servebook_lab.app.ServebookApp`.
"""

from __future__ import annotations

from typing import Any


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the prebuilt JupyterLab frontend lives (built into ``labextension/`` by the Python build)."""
    return [{"src": "labextension", "dest": "servebook"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Tell jupyter_server which ExtensionApp to load (imported lazily: only the server needs it)."""
    from .app import ServebookApp

    return [{"module": "servebook_lab", "app": ServebookApp}]
