"""Where a model or a file is, as given to save and load: a local path or a ``file://`` URI.

The one parser of those locations. ``load_model`` and ``save_model`` (for artifacts, code_paths,
model_config and conda_env) and the inspector all take a local path (``~`` expanded) or a ``file:``
URI of this machine: no host, or ``localhost``; a ``file://`` URI naming another host is refused
rather than read as a local path. A scheme of two or more letters is not local (one letter is a
Windows drive): the caller says what to do with it (``runs:/`` and ``models:/`` go to the tracking
store, anything else gets an error naming what is supported).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..errors import ServebookError

__all__ = ["Location", "parse_location"]


@dataclass(frozen=True)
class Location:
    """A parsed location.

    Attributes:
        text: the location as given (``os.fspath``, bytes decoded).
        scheme: ``""`` for a plain path, ``"file"``, or the other scheme (``runs``, ``s3`` ...).
        path: the local path for a plain path or a ``file:`` URI; None for any other scheme.
    """

    text: str
    scheme: str
    path: Path | None


def parse_location(value: str | os.PathLike[str], *, error: type[ServebookError]) -> Location:
    """Parse ``value``; a ``file://`` URI naming a host other than this one raises ``error``."""
    text = os.fspath(value)
    if isinstance(text, bytes):
        text = text.decode()
    parsed = urlparse(text)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise error(
                f"file:// URIs must name a local path, got host {parsed.netloc!r} in {text!r}. "
                "Copy the files to this machine and pass their local path."
            )
        from urllib.request import url2pathname  # imported here: urllib.request pulls in http.client

        return Location(text, "file", Path(url2pathname(parsed.path)))
    if parsed.scheme and len(parsed.scheme) > 1:
        return Location(text, parsed.scheme, None)
    return Location(text, "", Path(text).expanduser())
