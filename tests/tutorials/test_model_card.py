"""The model card widget, built from a real ``servebook.inspect`` report and driven in Python."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import ipywidgets
import pytest
from model_builders import column, param, write_pyfunc_model

import servebook
from servebook.widgets import markup


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A model directory written by hand: the inspector only reads files, so the pickle is never loaded."""
    import cloudpickle

    columns = ["sepal_length", "<script>alert(1)</script>"]
    return write_pyfunc_model(
        tmp_path / "iris_model",
        inputs=[column(columns[0], "double"), column(columns[1], "string", required=False)],
        params=[param("top_k", "long", 3)],
        example={"columns": columns, "data": [[5.1, "a"]]},
        code={"helpers.py": "X = 1\n"},
        requirements=f"mlflow==3.17.2\ncloudpickle=={cloudpickle.__version__}\nservebook-no-such-package==1.0",
        conda="name: mlflow-env\n",
        python_env=f"python: {platform.python_version()}\n",
        mlmodel={"artifact_path": None, "model_uuid": "0123456789abcdef0123456789abcdef"},
    )


def test_card_shows_signature_requirements_and_trust(model_dir: Path) -> None:
    from servebook.widgets import model_card

    report = servebook.inspect(model_dir)
    assert report.error is None
    card = model_card(report)
    assert isinstance(card, ipywidgets.VBox)
    assert card.report is report
    assert "sb-model-card" in card._dom_classes
    assert card.tabs.titles == ("Signature", "Requirements", "Example", "Files")
    assert list(card.tabs.children) == [card.signature, card.requirements, card.example, card.files]

    # header
    assert "iris_model" in card.header.value
    assert "mlflow.pyfunc.model" in card.header.value
    # signature tables: inputs, outputs, params with default
    signature = card.signature.value
    for text in ("Inputs (columns)", "sepal_length", "double", "optional", "Outputs", "label", "top_k"):
        assert text in signature, text
    assert "<td" in signature and ">3<" in signature
    # requirements: ok, not needed and missing are told apart
    requirements = card.requirements.value
    assert "sb-badge-ok" in requirements
    assert "servebook-no-such-package==1.0" in requirements
    assert "sb-badge-error" in requirements  # missing
    assert "not_needed" in requirements  # the mlflow pin
    assert "servebook-no-such-package==1.0 is required by the model but not installed" in requirements
    # trust verdict: pickle and code module run on load
    assert "executes code" in card.trust.value
    assert "python_model.pkl" in card.trust.value
    assert "code/helpers.py" in card.trust.value
    # example and files
    assert "dataframe_split" in card.example.value
    assert "MLmodel" in card.files.value and "requirements.txt" in card.files.value


def test_model_metadata_is_escaped(model_dir: Path) -> None:
    from servebook.widgets import model_card

    card = model_card(servebook.inspect(model_dir))
    for section in (card.header, card.trust, card.signature, card.requirements, card.example, card.files):
        assert "<script>" not in section.value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card.signature.value


def test_broken_model_gives_a_card_with_the_error(tmp_path: Path) -> None:
    from servebook.widgets import model_card

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "MLmodel").write_text("flavors: [unclosed\n")
    report = servebook.inspect(broken)
    assert report.error
    card = model_card(report)
    assert "sb-badge-error" in card.header.value
    assert markup.escape(report.error) in card.header.value
    assert "no signature" in card.signature.value


def test_unsafe_verdict_is_red(model_dir: Path, tmp_path: Path) -> None:
    from servebook.widgets import model_card

    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (model_dir / "link").symlink_to(outside)
    card = model_card(servebook.inspect(model_dir))
    assert "sb-badge-error" in card.trust.value
    assert "unsafe" in card.trust.value.lower()
    assert "link" in card.trust.value


def test_outside_a_kernel_the_hook_falls_back_to_text(model_dir: Path) -> None:
    from servebook.widgets import model_card_bundle

    report = servebook.inspect(model_dir)
    assert model_card_bundle(report) is None
    assert report._repr_mimebundle_() is None
    assert "iris_model" in str(report)


def test_importing_servebook_does_not_import_ipywidgets() -> None:
    code = (
        "import sys, servebook, servebook.widgets\n"
        "servebook.widgets.widgets_available()\n"
        "assert 'ipywidgets' not in sys.modules, 'ipywidgets imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_markup_helpers_escape_everything() -> None:
    html = markup.table(["a<b"], [["<i>x</i>"], [None]])
    assert "a&lt;b" in html and "&lt;i&gt;x&lt;/i&gt;" in html and "<i>x</i>" not in html
    assert "none" in markup.table(["a"], [])
    assert markup.badge("<b>", "ok").count("<b>") == 0
    assert markup.pre("Q" * 50, max_chars=10).count("Q") == 10
    assert markup.definition_list([("k", None), ("v", "<1>")]) == "<b>v</b>: &lt;1&gt;"
