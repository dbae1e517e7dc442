"""servebook_lab: the Jupyter server extension behind the servebook JupyterLab panel."""


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the prebuilt JupyterLab frontend lives (built into ``labextension/`` by the Python build)."""
    return [{"src": "labextension", "dest": "servebook"}]
