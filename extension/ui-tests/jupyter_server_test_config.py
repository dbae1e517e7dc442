"""Jupyter server configuration for the servebook browser tests. Never use it for anything else.

Galata's helper configures a throwaway server; token authentication is switched back on so the
tests exercise the same auth path as real use, and everything that would reach the internet is off.
"""

import os
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is provided by Jupyter's config loader)

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.port = int(os.environ["SERVEBOOK_UI_PORT"])  # noqa: F821
# a taken port must fail the run, not move the server to a port the tests do not know
c.ServerApp.port_retries = 0  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
c.IdentityProvider.token = os.environ.get("SERVEBOOK_UI_TOKEN", "servebook-ui-test")  # noqa: F821
if os.environ.get("SERVEBOOK_UI_ROOT"):
    root = Path(os.environ["SERVEBOOK_UI_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    c.ServerApp.root_dir = str(root)  # noqa: F821
if os.environ.get("SERVEBOOK_UI_WITHOUT_EXTENSION") == "1":
    # The second test server: the labextension is there, the server extension is off.
    c.ServerApp.jpserver_extensions = {"servebook_lab": False}  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
c.LabApp.extension_manager = "readonly"  # noqa: F821
c.ServerApp.log_level = os.environ.get("SERVEBOOK_UI_LOG_LEVEL", "WARN")  # noqa: F821
