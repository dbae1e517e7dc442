"""Loader for ``loader_module: mlflow.sklearn`` models (the ``sklearn`` flavor of MLflow).

The flavor names the serialized estimator (``pickled_model``) and its ``serialization_format``:
``cloudpickle`` and ``pickle`` are read here; ``skops`` (MLflow 3.x's default) needs the skops package.
``python_function.predict_fn`` chooses the method called by ``predict`` (``predict`` by default).
The flavor's ``code`` directory (``code_paths`` at save: a Pipeline's custom transformers, say) is
importable while the estimator is unpickled and during each ``predict``, as for custom models
(:mod:`servebook.format.code_paths`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ...errors import LoadError, ModelFormatError
from .. import code_paths, mlflow_alias
from ..mlmodel import Model

__all__ = ["SklearnModel", "load", "load_estimator"]


class SklearnModel:
    """A loaded estimator; ``predict`` calls its ``predict_fn`` method."""

    def __init__(self, estimator: Any, predict_fn: str, code: code_paths.LoadedCode | None = None) -> None:
        self.raw_model = estimator
        self.code = code
        self._predict = getattr(estimator, predict_fn)

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Predictions of the estimator (``params`` are not used by scikit-learn models)."""
        return self._predict(data)


def _inside(model_dir: Path, relative: str, what: str) -> Path:
    path = (model_dir / relative).resolve()
    if not path.is_relative_to(model_dir.resolve()):
        raise LoadError(
            f"The sklearn flavor's {what} points outside the model directory ({relative!r}); "
            "refusing to load."
        )
    return path


def load_estimator(model_dir: Path, model: Model) -> tuple[Any, code_paths.LoadedCode]:
    """The estimator of an MLflow ``sklearn`` model directory and the code scope it was loaded in.

    Raises:
        ModelFormatError: no sklearn flavor, or it names no serialized model.
        LoadError: scikit-learn (or skops) is missing, a module the pickle needs is missing (the message
            names it), or the file cannot be read.
    """
    conf = model.flavors.get("sklearn")
    if not isinstance(conf, dict):
        raise ModelFormatError(
            "This model has no 'sklearn' flavor in its MLmodel; it is not a scikit-learn model."
        )
    pyfunc = model.flavors.get("python_function")
    pyfunc = pyfunc if isinstance(pyfunc, dict) else {}
    if importlib.util.find_spec("sklearn") is None:
        version = conf.get("sklearn_version")
        pin = f"=={version}" if version else ""
        raise LoadError(f"This is a scikit-learn model: install it first (pip install scikit-learn{pin}).")
    relative = conf.get("pickled_model") or pyfunc.get("model_path")
    if not isinstance(relative, str):
        raise ModelFormatError("The sklearn flavor does not name its serialized model (pickled_model).")
    path = _inside(model_dir, relative, "pickled_model")
    code_value = conf.get("code") or pyfunc.get("code")
    code_dir = _inside(model_dir, code_value, "code") if isinstance(code_value, str) and code_value else None
    fmt = conf.get("serialization_format") or "cloudpickle"
    if fmt not in ("cloudpickle", "pickle", "skops"):
        raise LoadError(
            f"Unknown sklearn serialization_format {fmt!r}; expected cloudpickle, pickle or skops."
        )
    if fmt == "skops" and importlib.util.find_spec("skops") is None:
        raise LoadError(
            "This scikit-learn model was saved in the skops format (MLflow 3.x's default): install "
            "skops (pip install skops) to load it, or save it with serialization_format='cloudpickle'."
        )
    with code_paths.code_scope(code_dir, mlflow_alias.alias_modules()) as code:
        try:
            if fmt == "skops":
                import skops.io

                estimator = skops.io.load(path, trusted=conf.get("skops_trusted_types"))
            else:
                from .. import pickling

                with open(path, "rb") as file:
                    estimator = pickling.load(file)
        except FileNotFoundError:
            raise LoadError(f"The estimator file {relative} is missing from {model_dir}.") from None
        except ModuleNotFoundError as exc:
            missing = exc.name or str(exc)
            where = (
                "is not in the model's code/ directory" if code_dir else "the model has no code/ directory"
            )
            raise LoadError(
                f"The scikit-learn model needs the module {missing!r}, which is not installed and {where}. "
                f"If it is your own code (a custom transformer, say), save the model with "
                f"code_paths=['{missing.split('.')[0]}.py'] (or its package directory); otherwise install it "
                "(the model's requirements.txt lists what it was saved with)."
            ) from exc
        except (ImportError, AttributeError) as exc:
            raise LoadError(
                f"Unpickling the scikit-learn model failed: {type(exc).__name__}: {exc}. "
                + mlflow_alias.missing_module_hint(exc)
            ) from exc
    if code.aliases and not code.roots:
        code.drop_aliases()
    return estimator, code


def load(
    model_dir: Path,
    model: Model,
    model_config: dict[str, Any] | None = None,
    *,
    suppress_warnings: bool = False,
) -> SklearnModel:
    """Load the estimator of an MLflow ``sklearn`` model directory for pyfunc ``predict``."""
    estimator, code = load_estimator(model_dir, model)
    predict_fn = model.pyfunc_conf.get("predict_fn") or "predict"
    if not callable(getattr(estimator, predict_fn, None)):
        raise LoadError(f"The loaded estimator has no method {predict_fn!r} (python_function.predict_fn).")
    return SklearnModel(estimator, predict_fn, code)
