"""``load_model``: read a local MLflow-format model directory into a :class:`PyFuncModel`.

URIs: a local path or ``file://``. ``runs:/`` and ``models:/`` URIs name models in a tracking store:
``servebook.load_model`` (:func:`servebook.tracking.loading.load_model`) downloads them, then calls
this. The ``python_function`` flavor's
``loader_module`` picks the loader (:mod:`servebook.format.flavors`). Loading runs the model's code (its
pickle and ``code/``): load only models you trust. Inspecting without running anything is
:func:`servebook.inspect`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LoadError
from . import code_paths
from .flavors import loader_for
from .mlmodel import Model
from .uri import parse_location

if TYPE_CHECKING:
    from ..signature import ParamSchema, Schema

__all__ = ["PyFuncModel", "load_model", "model_directory"]

_logger = logging.getLogger("servebook.load")

_NO_INPUT_EXAMPLE = object()


class PyFuncModel:
    """A loaded model: ``predict(data, params=None)`` checks input and params, then calls the model.

    Attributes:
        metadata: the :class:`~servebook.format.mlmodel.Model` read from ``MLmodel``.
        model_dir: the local model directory.
        loader_module: the flavor's ``loader_module`` (``mlflow.pyfunc.model``, ``mlflow.sklearn``).
    """

    def __init__(self, model_dir: Path, metadata: Model, impl: Any, loader_module: str) -> None:
        self.model_dir = model_dir
        self.metadata = metadata
        self.loader_module = loader_module
        self._impl = impl
        self._input_schema: Schema | None = metadata.get_input_schema()
        self._params_schema: ParamSchema | None = metadata.get_params_schema()
        # the model's code/ is importable only inside its calls: lazy imports in predict work
        code = getattr(impl, "code", None)
        self._scope = code if isinstance(code, code_paths.LoadedCode) and code.needed else None
        self._call = code_paths.scoped_call(self._scope, _make_call(impl))
        self._input_example: Any = _NO_INPUT_EXAMPLE
        if self._input_schema is not None or self._params_schema is not None:
            from ..signature.enforce import enforce_input, enforce_params

            self._enforce_input = enforce_input
            self._enforce_params = enforce_params
        self._typed = _typed_input(metadata, impl)
        if metadata.is_signature_from_type_hint:
            self._input_schema = None  # the hinted predict validates its input itself, as in MLflow

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Check ``data`` against the input schema and ``params`` against the params schema, then predict.

        For a signature inferred from type hints, the model's own ``predict`` converts and validates
        the input instead (a DataFrame given to a ``list[str]`` model becomes its first string column).

        Raises:
            SignatureError: the input or params do not match the signature (the message says how).
        """
        if self._input_schema is not None:
            data = self._enforce_input(data, self._input_schema)
        if self._typed is not None:
            data = self._typed(self, data)
        if self._params_schema is not None:
            params = self._enforce_params(params, self._params_schema)
        elif params:
            _logger.warning(
                "This model's signature has no params schema, so the given params are ignored. Add a "
                "ParamSchema to the signature to accept them."
            )
            params = None
        return self._call(data, params)

    def predict_stream(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Stream predictions from a model that implements ``predict_stream``."""
        raw = self.unwrap_python_model()
        method = getattr(raw, "predict_stream", None)
        if method is None or not self.metadata.pyfunc_conf.get("streamable"):
            raise LoadError("This model does not support streaming (it has no predict_stream).")
        if self._input_schema is not None:
            data = self._enforce_input(data, self._input_schema)
        if self._typed is not None:
            data = self._typed(self, data)
        if self._params_schema is not None:
            params = self._enforce_params(params, self._params_schema)
        data = _single_stream_input(data)
        call = _make_call(self._impl, method)
        if self._scope is None:
            return call(data, params)
        with self._scope:
            stream = call(data, params)
        if not hasattr(stream, "__next__"):
            return stream
        # a generator's body runs on each next(): keep the model's code importable there too
        return code_paths.scoped_iterator(self._scope, stream)

    @property
    def model_config(self) -> dict[str, Any]:
        """The model configuration the model was loaded with."""
        context = getattr(self._impl, "context", None)
        return dict(context.model_config) if context is not None else {}

    @property
    def input_example(self) -> Any:
        """The saved input example, or None."""
        if self._input_example is _NO_INPUT_EXAMPLE:
            self._input_example = self.metadata.load_input_example(self.model_dir)
        return self._input_example

    def unwrap_python_model(self) -> Any:
        """The user's model object (the unpickled PythonModel, or the estimator for sklearn models)."""
        return self._impl.raw_model

    def get_raw_model(self) -> Any:
        """Same as :meth:`unwrap_python_model` (MLflow's name for non-custom flavors)."""
        return self._impl.raw_model

    def __repr__(self) -> str:
        return f"<PyFuncModel {self.loader_module} from {str(self.model_dir)!r}>"


def _plain(value: Any) -> Any:
    """ndarrays to lists and numpy scalars to Python ones, inside lists and dicts (MLflow's rule)."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    module = type(value).__module__
    if module == "numpy":
        tolist = getattr(value, "tolist", None)
        return tolist() if callable(tolist) else value
    return value


def _single_stream_input(data: Any) -> Any:
    """What ``predict_stream`` receives, as MLflow gives it: one request, in plain Python types.

    A DataFrame (what schema enforcement makes of a dict or records) becomes its records, or the
    values of its one unnamed column; arrays become lists. A list must hold exactly one input, and
    that input is passed. A dict, a string or any other single value passes as it is.
    """
    if type(data).__name__ == "DataFrame" and type(data).__module__.startswith("pandas"):
        columns = list(data.columns)
        data = data[0].tolist() if columns == [0] else data.to_dict(orient="records")
    data = _plain(data)
    if isinstance(data, list):
        if len(data) != 1:
            from ..errors import InvalidInputError

            raise InvalidInputError(
                f"predict_stream takes a single input, got a list of {len(data)}: pass one request "
                "(a dict, a string or a one-element list)."
            )
        return data[0]
    return data


def _typed_input(metadata: Model, impl: Any) -> Callable[[PyFuncModel, Any], Any] | None:
    """How the loaded model adapts its input to predict's type hint (None: it does not).

    Two cases, as in MLflow: a hinted custom model gets DataFrames as lists (``list[str]``: the
    first string column; ``list[dict[str, str]]``: the records); a ``TypeFromExample`` model gets
    the enforced DataFrame converted back to its input example's type.
    """
    context = getattr(impl, "context", None)
    if context is None:  # built-in flavors have no type hints
        return None
    if metadata.type_hint_from_example and not metadata.is_signature_from_type_hint:
        from ..signature.enforce.type_hints import example_format

        return lambda model, data: (
            example_format(data, model.input_example) if model.input_example is not None else data
        )
    from .hinted_signature import hints_of

    hint = hints_of(impl.raw_model).input
    if hint is None:
        return None
    from ..signature.enforce.type_hints import adapt_dataframe

    schema = metadata.get_input_schema()
    return lambda model, data: adapt_dataframe(data, hint, schema)


def _make_call(impl: Any, method: Callable[..., Any] | None = None) -> Callable[[Any, Any], Any]:
    """Precompute how to call the user's predict, so the hot path is a single call."""
    from .python_model import predict_takes_context, predict_takes_params

    context = getattr(impl, "context", None)
    if context is None:  # built-in flavors (sklearn): predict(data, params)
        return method or impl.predict
    predict = method or impl.raw_model.predict
    with_context = predict_takes_context(predict)
    with_params = predict_takes_params(predict)
    if with_context and with_params:
        return lambda data, params: predict(context, data, params=params)
    if with_context:
        return lambda data, params: predict(context, data)
    if with_params:
        return lambda data, params: predict(data, params=params)
    return lambda data, params: predict(data)


def _local_model_dir(model_uri: str | os.PathLike[str]) -> Path:
    location = parse_location(model_uri, error=LoadError)
    if location.scheme in ("runs", "models"):
        raise LoadError(
            f"{location.text!r} names a model in a tracking store: load it with servebook.load_model, "
            "which downloads it first (servebook.format.load.load_model reads local directories)."
        )
    if location.path is None:
        raise LoadError(
            f"Cannot load {location.text!r}: servebook resolves local paths, file://, runs:/ and models:/ "
            "URIs. Download the model first and pass its local directory."
        )
    return location.path


def model_directory(model_uri: str | os.PathLike[str]) -> Path:
    """The absolute local model directory ``model_uri`` names (a path, ``file://``, or its MLmodel).

    Raises:
        LoadError: not a local model directory.
    """
    model_dir = _local_model_dir(model_uri).absolute()
    if not model_dir.is_dir():
        if model_dir.name == "MLmodel" and model_dir.is_file():
            return model_dir.parent
        raise LoadError(f"No model directory at {model_dir}. Pass the directory that save_model() wrote.")
    return model_dir


def load_model(
    model_uri: str | os.PathLike[str],
    suppress_warnings: bool = False,
    model_config: dict[str, Any] | None = None,
    dst_path: str | os.PathLike[str] | None = None,
) -> PyFuncModel:
    """Load an MLflow-format model as a :class:`PyFuncModel`.

    Args:
        model_uri: a model directory, ``file://`` URI, ``runs:/<run_id>/<path>`` or ``models:/...``.
        suppress_warnings: silence the Python/cloudpickle version-mismatch warning.
        model_config: overrides for the saved ``model_config`` (merged key by key).
        dst_path: accepted for MLflow compatibility; local models are read in place.

    Raises:
        ModelFormatError: no MLmodel, or a malformed one.
        LoadError: the model cannot be loaded (missing package, unpickling failure, ...).
    """
    model_dir = model_directory(model_uri)
    metadata = Model.load(model_dir)
    conf = metadata.pyfunc_conf
    loader_module = conf.get("loader_module")
    if not isinstance(loader_module, str) or not loader_module:
        raise LoadError("MLmodel's python_function flavor has no loader_module; the model cannot be loaded.")
    load = loader_for(loader_module)
    impl = load(model_dir, metadata, model_config, suppress_warnings=suppress_warnings)
    return PyFuncModel(model_dir, metadata, impl, loader_module)
