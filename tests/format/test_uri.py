"""The one parser of model and file locations (format/uri.py), and what load, save and inspect make of it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sample_models import Doubler

import servebook as sb
from servebook.errors import LoadError, SaveError
from servebook.format.uri import parse_location


@pytest.mark.parametrize(
    ("text", "scheme", "path"),
    [
        ("models/iris", "", Path("models/iris")),
        ("~/iris", "", Path.home() / "iris"),
        ("file:///srv/m%20odel", "file", Path("/srv/m odel")),
        ("file://localhost/srv/model", "file", Path("/srv/model")),
        ("file:relative/model", "file", Path("relative/model")),
        ("C:\\models\\iris", "", Path("C:\\models\\iris")),  # a one-letter scheme is a drive
        ("runs:/0123/model", "runs", None),
        ("models:/iris/3", "models", None),
        ("s3://bucket/model", "s3", None),
    ],
)
def test_locations(text: str, scheme: str, path: Path | None) -> None:
    location = parse_location(text, error=LoadError)
    assert (location.text, location.scheme, location.path) == (text, scheme, path)


def test_bytes_and_path_objects() -> None:
    assert parse_location(b"/srv/model", error=LoadError).path == Path("/srv/model")
    assert parse_location(Path("/srv/model"), error=LoadError).path == Path("/srv/model")


def test_a_file_uri_naming_another_host_is_refused_by_load_save_and_inspect(tmp_path: Path) -> None:
    remote = "file://fileserver/share/model"
    with pytest.raises(LoadError, match="got host 'fileserver'"):
        sb.load_model(remote)
    with pytest.raises(SaveError, match="got host 'fileserver'"):
        sb.save_model(tmp_path / "m", python_model=Doubler(), artifacts={"weights": remote}, by_value=True)
    assert not (tmp_path / "m").exists()
    report = sb.inspect(remote)
    assert report.error is not None and "got host 'fileserver'" in report.error


def test_save_and_load_read_the_same_file_uri(tmp_path: Path) -> None:
    weights = tmp_path / "w eights.json"
    weights.write_text('{"factor": 3}')
    uri = "file://localhost" + str(weights).replace(" ", "%20")
    sb.save_model(tmp_path / "m", python_model=Doubler(), artifacts={"weights": uri}, by_value=True)
    assert (tmp_path / "m" / "artifacts" / "w eights.json").read_text() == '{"factor": 3}'
    model = sb.load_model("file://" + str(tmp_path / "m").replace(" ", "%20"))
    assert model.metadata.pyfunc_conf["artifacts"]["weights"]["uri"] == uri
    assert model.predict(pd.DataFrame({"a": [1.0], "b": [1.0]})).tolist() == [6.0]
