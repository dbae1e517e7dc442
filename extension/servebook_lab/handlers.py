"""REST handlers of the servebook server extension (the contract is docs/rest-api.md).

Every verb is ``@tornado.web.authenticated`` and ``@authorized`` against the resource ``servebook``,
and ``@translate_errors``: a :class:`servebook.errors.ServebookError` leaves it as an ``HTTPError``
carrying its error code, with the status of :data:`servebook_lab.errors.STATUS_BY_CODE`, which
:meth:`ServebookHandler.write_error` renders as ``{"message", "reason"}``. Responses are built
from explicit fields. Slow work (scans, inspection, log reads) runs in a thread; nothing from a model
is imported or unpickled here.
"""

from __future__ import annotations

import asyncio
import json
from http.client import responses
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from servebook import __version__
from servebook.errors import InvalidInputError, NotFoundError, ServebookError
from servebook.inspection import MLMODEL, inspect, model_summary

from .discovery import find_models
from .errors import ServebookHTTPError, translate_errors
from .paths import resolve_contents_path, to_contents_path
from .servers import ServerManager, read_log_tail

__all__ = ["HANDLERS"]

DEFAULT_LOG_LINES = 200


class ServebookHandler(APIHandler):
    """Base class: authorization resource, shared accessors and the error translation."""

    auth_resource = "servebook"

    @property
    def manager(self) -> ServerManager:
        manager: ServerManager = self.settings["servebook_manager"]
        return manager

    @property
    def sb_config(self) -> Any:
        """The :class:`servebook_lab.app.ServebookApp` holding the traitlets."""
        return self.settings["servebook_app"]

    @property
    def root_dir(self) -> str:
        root: str = self.settings["servebook_root_dir"]
        return root

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Render a servebook error as ``{"message", "reason"}``; anything else as APIHandler does."""
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if not isinstance(error, ServebookHTTPError):
            super().write_error(status_code, **kwargs)
            return
        message = error.log_message or responses.get(status_code, "Unknown HTTP Error")
        reply = {"message": message, "reason": error.error_code}
        self.log.warning("wrote error: %r", reply["message"])
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(reply))

    def write_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def json_body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError as exc:
            raise InvalidInputError(f"The request body is not valid JSON ({exc}).") from exc
        if not isinstance(data, dict):
            raise InvalidInputError(
                'The request body must be a JSON object like {"model_path": "models/iris"}.'
            )
        return data

    def model_dir(self, path: str) -> Any:
        """Resolve a contents path to a model directory (a directory, or its MLmodel file)."""
        local = resolve_contents_path(self.root_dir, path, what="Model")
        if local.is_file() and local.name == MLMODEL:
            local = local.parent
        if not (local / MLMODEL).is_file():
            raise NotFoundError(
                f"Model {path!r} not found: no {MLMODEL} file in this directory. "
                f"Choose a folder that contains an {MLMODEL} file."
            )
        return local


class InfoHandler(ServebookHandler):
    """``GET info?version=``: versions, limits and the frontend handshake."""

    @web.authenticated
    @authorized
    @translate_errors
    async def get(self) -> None:
        frontend = self.get_query_argument("version", None)
        ok = frontend is None or frontend == __version__
        message = None
        if not ok:
            message = (
                f"The servebook frontend ({frontend}) and server extension ({__version__}) differ. "
                f"Reinstall one version of both with `pip install servebook=={__version__}`, restart "
                "Jupyter, then reload this page. Check with `jupyter server extension list` and "
                "`jupyter labextension list`."
            )
        app = self.sb_config
        self.write_json(
            {
                "version": __version__,
                "frontend_version": frontend,
                "frontend_version_ok": ok,
                "message": message,
                "python_executable": app.python_executable,
                "limits": {
                    "max_servers": app.max_servers,
                    "server_start_timeout": app.server_start_timeout,
                    "invocation_timeout": app.invocation_timeout,
                    "scan_max_depth": app.scan_max_depth,
                    "scan_timeout": app.scan_timeout,
                },
                "servers_running": self.manager.running_count(),
            }
        )


class ModelsHandler(ServebookHandler):
    """``GET models?path=``: model directories under a folder."""

    @web.authenticated
    @authorized
    @translate_errors
    async def get(self) -> None:
        path = self.get_query_argument("path", "")
        start = resolve_contents_path(self.root_dir, path, what="Folder")
        if not start.is_dir():
            raise NotFoundError(
                f"Folder {path!r} is not a directory. Pass a folder to list the models in it."
            )
        app = self.sb_config
        root = self.root_dir

        def scan() -> dict[str, Any]:
            result = find_models(start, max_depth=app.scan_max_depth, timeout=app.scan_timeout)
            models = [
                {"path": to_contents_path(root, d), **model_summary(d).to_dict()} for d in result.models
            ]
            return {
                "path": to_contents_path(root, start),
                "models": models,
                "truncated": result.truncated,
                "truncated_reason": result.truncated_reason,
            }

        self.write_json(await asyncio.to_thread(scan))


class ModelHandler(ServebookHandler):
    """``GET models/<path>``: the static inspector's report."""

    @web.authenticated
    @authorized
    @translate_errors
    async def get(self, path: str) -> None:
        directory = self.model_dir(path)
        python = self.sb_config.python_executable
        report = await asyncio.to_thread(inspect, directory, python)
        self.write_json({"path": to_contents_path(self.root_dir, directory), **report.to_dict()})


class ServersHandler(ServebookHandler):
    """``GET servers`` lists, ``POST servers`` starts one."""

    @web.authenticated
    @authorized
    @translate_errors
    async def get(self) -> None:
        servers = [await self.manager.describe(s) for s in self.manager.list()]
        self.write_json({"servers": servers, "max_servers": self.manager.max_servers})

    @web.authenticated
    @authorized
    @translate_errors
    async def post(self) -> None:
        body = self.json_body()
        model_path = body.get("model_path")
        if not isinstance(model_path, str):
            raise InvalidInputError('Send {"model_path": "<folder holding an MLmodel file>"}.')
        wait = body.get("wait", False)
        if not isinstance(wait, bool):
            raise InvalidInputError('"wait" must be true or false.')
        directory = self.model_dir(model_path)
        summary = await asyncio.to_thread(model_summary, directory)
        if summary.error:
            raise _invalid_model(model_path, summary.error)
        server = await self.manager.start(to_contents_path(self.root_dir, directory), directory)
        if wait:
            await self.manager.wait_settled(server)
        location = url_path_join(self.base_url, "servebook", "servers", server.id)
        self.set_header("Location", location)
        self.write_json(await self.manager.describe(server), status=201)


def _invalid_model(path: str, error: str) -> ServebookError:
    from servebook.errors import ModelFormatError

    return ModelFormatError(f"Model {path!r} cannot be served: {error}")


class ServerHandler(ServebookHandler):
    """``GET servers/<id>`` describes, ``DELETE servers/<id>`` stops (or forgets a stopped one)."""

    @web.authenticated
    @authorized
    @translate_errors
    async def get(self, server_id: str) -> None:
        self.write_json(await self.manager.describe(self.manager.get(server_id)))

    @web.authenticated
    @authorized
    @translate_errors
    async def delete(self, server_id: str) -> None:
        await self.manager.stop(server_id)
        self.set_status(204)
        self.finish()


class LogsHandler(ServebookHandler):
    """``GET servers/<id>/logs?tail=``."""

    @web.authenticated
    @authorized
    @translate_errors
    async def get(self, server_id: str) -> None:
        raw = self.get_query_argument("tail", str(DEFAULT_LOG_LINES))
        try:
            tail = int(raw)
        except ValueError:
            tail = -1
        if tail < 0:
            raise InvalidInputError(f"tail must be a non-negative integer, got {raw!r}.")
        server = self.manager.get(server_id)
        text, lines, truncated = await asyncio.to_thread(read_log_tail, server.log_path, tail)
        self.write_json({"id": server.id, "log": text, "lines": lines, "truncated": truncated})


class InvocationsHandler(ServebookHandler):
    """``POST servers/<id>/invocations``: forwarded to the child, body and content type unchanged."""

    @web.authenticated
    @authorized
    @translate_errors
    async def post(self, server_id: str) -> None:
        status, content_type, body = await self.manager.invoke(
            server_id, self.request.body, self.request.headers.get("Content-Type")
        )
        self.set_status(status)
        self.set_header("Content-Type", content_type or "application/octet-stream")
        self.finish(body)


_ID = r"(?P<server_id>[0-9a-f]{1,32})"

#: the URL table (relative to base_url); tests iterate it to check that every route needs credentials
HANDLERS: list[tuple[str, type[ServebookHandler]]] = [
    (r"servebook/info", InfoHandler),
    (r"servebook/models", ModelsHandler),
    (r"servebook/models/(?P<path>.+)", ModelHandler),
    (r"servebook/servers", ServersHandler),
    (rf"servebook/servers/{_ID}", ServerHandler),
    (rf"servebook/servers/{_ID}/logs", LogsHandler),
    (rf"servebook/servers/{_ID}/invocations", InvocationsHandler),
]
