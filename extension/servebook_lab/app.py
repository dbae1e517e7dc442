"""ServebookApp: the jupyter_server extension application (configuration, handlers, shutdown).

Configure it like any Jupyter app, e.g. in ``jupyter_server_config.py``::

    c.ServebookApp.python_executable = "/opt/envs/scoring/bin/python"
    c.ServebookApp.max_servers = 4
"""

from __future__ import annotations

import sys
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Float, Int, Unicode, default, validate

from .handlers import HANDLERS
from .servers import ServerManager

__all__ = ["ServebookApp"]


class ServebookApp(ExtensionApp):
    """Finds models under the contents root, inspects them statically and supervises scoring servers."""

    name = "servebook_lab"
    load_other_extensions = True

    python_executable = Unicode(
        config=True,
        help="""Interpreter that runs the scoring servers (``python -m servebook serve``) and whose
        packages the model inspector compares with a model's requirements. It needs servebook installed.
        Default: the Jupyter server's own interpreter. Point it at a kernel's environment to serve models
        with that environment's packages.""",
    )
    server_start_timeout = Float(
        30.0,
        config=True,
        help="Seconds a scoring server may take to load its model and listen before it is marked failed.",
    )
    invocation_timeout = Float(
        60.0,
        config=True,
        help="Seconds to wait for a scoring server's answer when forwarding a prediction request.",
    )
    max_servers = Int(
        8,
        config=True,
        help="How many scoring servers may be starting or ready at once (each is a separate process).",
    )
    scan_max_depth = Int(
        4,
        config=True,
        help="""How many folder levels below the requested folder the model list looks into
        (mlruns/ tracking stores get extra levels to reach their logged models).""",
    )
    scan_timeout = Float(
        2.0,
        config=True,
        help="Seconds after which a model-list scan stops and returns what it found (marked truncated).",
    )

    @default("python_executable")
    def _default_python(self) -> str:
        return sys.executable

    @validate("max_servers", "scan_max_depth")
    def _non_negative(self, proposal: dict[str, Any]) -> int:
        value: int = proposal["value"]
        if value < 0:
            raise ValueError(f"{proposal['trait'].name} must be >= 0, got {value}")
        return value

    @validate("server_start_timeout", "invocation_timeout", "scan_timeout")
    def _positive(self, proposal: dict[str, Any]) -> float:
        value: float = proposal["value"]
        if value <= 0:
            raise ValueError(f"{proposal['trait'].name} must be > 0, got {value}")
        return value

    def initialize_settings(self) -> None:
        """Create the ServerManager and share it (and the contents root) with the handlers."""
        serverapp = self.serverapp
        if serverapp is None:  # jupyter_server sets it before initialising any extension
            raise RuntimeError("servebook_lab runs inside a Jupyter server (jupyter lab / jupyter server).")
        self.manager = ServerManager(
            python_executable=self.python_executable,
            start_timeout=self.server_start_timeout,
            max_servers=self.max_servers,
            invocation_timeout=self.invocation_timeout,
            runtime_dir=serverapp.runtime_dir,
        )
        root_dir = getattr(serverapp.contents_manager, "root_dir", None)
        self.settings.update(
            {
                "servebook_manager": self.manager,
                "servebook_app": self,
                "servebook_root_dir": root_dir or serverapp.root_dir,
            }
        )

    def initialize_handlers(self) -> None:
        """Register the REST routes under ``{base_url}servebook/``."""
        self.handlers.extend(HANDLERS)

    async def stop_extension(self) -> None:
        """Stop every scoring server this Jupyter server started."""
        manager = getattr(self, "manager", None)
        if manager is not None:
            await manager.stop_all()
