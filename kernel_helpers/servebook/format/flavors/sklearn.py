"""Loader for ``loader_module: mlflow.sklearn`` models (the ``sklearn`` flavor of MLflow).

The flavor names the serialized estimator (``pickled_model``) and its ``serialization_format``:
``cloudpickle`` and ``pickle`` are read here; ``skops`` (MLflow 3.x's default) needs the skops package.
``python_function.predict_fn`` chooses the method called by ``predict`` (``predict`` by default).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ...errors import LoadError, ModelFormatError
from ..mlmodel import Model

__all__ = ["SklearnModel", "load"]


class SklearnModel:
    """A loaded estimator; ``predict`` calls its ``predict_fn`` method."""

    def __init__(self, estimator: Any, predict_fn: str) -> None:
        self.raw_model = estimator
        self._predict = getattr(estimator, predict_fn)

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Predictions of the estimator (``params`` are not used by scikit-learn models)."""
        return self._predict(data)


def load(
    model_dir: Path,
    model: Model,
    model_config: dict[str, Any] | None = None,
    *,
    suppress_warnings: bool = False,
) -> SklearnModel:
    """Load the estimator of an MLflow ``sklearn`` model directory."""
    conf = model.flavors.get("sklearn")
    pyfunc = model.pyfunc_conf
    if not isinstance(conf, dict):
        raise ModelFormatError("loader_module is mlflow.sklearn but MLmodel has no 'sklearn' flavor.")
    if importlib.util.find_spec("sklearn") is None:
        version = conf.get("sklearn_version")
        pin = f"=={version}" if version else ""
        raise LoadError(f"This is a scikit-learn model: install it first (pip install scikit-learn{pin}).")
    relative = conf.get("pickled_model") or pyfunc.get("model_path")
    if not isinstance(relative, str):
        raise ModelFormatError("The sklearn flavor does not name its serialized model (pickled_model).")
    path = (model_dir / relative).resolve()
    if not path.is_relative_to(model_dir.resolve()):
        raise LoadError(
            f"The sklearn flavor points outside the model directory ({relative!r}); refusing to load."
        )
    fmt = conf.get("serialization_format") or "cloudpickle"
    if fmt in ("cloudpickle", "pickle"):
        from .. import pickling

        with open(path, "rb") as file:
            estimator = pickling.load(file)
    elif fmt == "skops":
        if importlib.util.find_spec("skops") is None:
            raise LoadError(
                "This scikit-learn model was saved in the skops format (MLflow 3.x's default): install "
                "skops (pip install skops) to load it, or save it with serialization_format='cloudpickle'."
            )
        import skops.io

        estimator = skops.io.load(path, trusted=conf.get("skops_trusted_types"))
    else:
        raise LoadError(
            f"Unknown sklearn serialization_format {fmt!r}; expected cloudpickle, pickle or skops."
        )
    predict_fn = pyfunc.get("predict_fn") or "predict"
    if not callable(getattr(estimator, predict_fn, None)):
        raise LoadError(f"The loaded estimator has no method {predict_fn!r} (python_function.predict_fn).")
    return SklearnModel(estimator, predict_fn)
