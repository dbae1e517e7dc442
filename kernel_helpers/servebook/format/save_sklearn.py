"""``servebook.sklearn.save_model``: a scikit-learn estimator in MLflow's ``mlflow.sklearn`` layout.

What MLflow's ``mlflow.sklearn.save_model`` writes, so that ``mlflow.sklearn.load_model`` and
``mlflow.pyfunc.load_model`` load it (and servebook's loader, :mod:`.flavors.sklearn`)::

    model.pkl                     the estimator, cloudpickle or pickle (``serialization_format``)
    code/                         code_paths (custom transformers), importable while it loads
    MLmodel                       flavors sklearn {pickled_model, serialization_format, sklearn_version,
                                  code, skops_trusted_types} and python_function {loader_module:
                                  mlflow.sklearn, model_path, predict_fn, code, env, python_version}
    requirements.txt ...          mlflow, cloudpickle (cloudpickle format only), scikit-learn pinned,
                                  and what the pickle refers to
    input_example.json ...        with input_example; the signature is inferred from it

The default ``serialization_format`` is ``cloudpickle`` (MLflow 3.x defaults to ``skops``, a package
servebook does not need; pass ``serialization_format`` explicitly to be independent of the default).
The same staging rules as :func:`servebook.format.save.save_model` apply: nothing is written at the
target until everything succeeded, and a non-empty target needs ``overwrite=True``.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SaveError
from . import code_paths as _code_paths
from . import pickling, requirements
from .mlmodel import (
    CODE_DIRNAME,
    CONDA_ENV_FILENAME,
    MLMODEL_FILENAME,
    PYFUNC_FLAVOR,
    PYTHON_ENV_FILENAME,
    Model,
)
from .save import (
    PathLike,
    _check_code_names,
    _check_referenced_modules,
    _check_target,
    _copy,
    _move_into_place,
    _read_conda_env,
    _requirement_lines,
    _resolve_code_paths,
    _size_of,
)

if TYPE_CHECKING:
    from ..signature import ModelSignature

__all__ = ["FORMATS", "SKLEARN_FLAVOR", "SKLEARN_LOADER_MODULE", "save_model"]

SKLEARN_FLAVOR = "sklearn"
SKLEARN_LOADER_MODULE = "mlflow.sklearn"
MODEL_FILENAME = "model.pkl"
_logger = logging.getLogger("servebook.save")
#: the serialization formats servebook writes (MLflow's names)
FORMATS = ("cloudpickle", "pickle")


def save_model(
    sk_model: Any,
    path: PathLike,
    conda_env: Mapping[str, Any] | PathLike | None = None,
    code_paths: Sequence[PathLike] | None = None,
    mlflow_model: Model | None = None,
    serialization_format: str = "cloudpickle",
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | PathLike | None = None,
    extra_pip_requirements: Sequence[str] | PathLike | None = None,
    pyfunc_predict_fn: str = "predict",
    metadata: Mapping[str, Any] | None = None,
    *,
    overwrite: bool = False,
) -> Model:
    """Save the scikit-learn estimator ``sk_model`` to ``path`` in MLflow's ``mlflow.sklearn`` layout.

    Args:
        sk_model: a fitted estimator (a Pipeline, a regressor, a classifier ...).
        path: target directory; must not exist or be empty unless ``overwrite=True``.
        conda_env: a conda environment (dict or YAML file); its pip section becomes requirements.txt.
        code_paths: files and package directories copied to ``code/`` (custom transformers).
        mlflow_model: a Model to fill in (``log_model`` uses it to pre-set run and model ids).
        serialization_format: ``"cloudpickle"`` (default) or ``"pickle"``.
        signature: a ModelSignature; inferred from ``input_example`` and the estimator's output on it
            when omitted.
        input_example: a DataFrame, array, dict or list, or ``(example, params)``.
        pip_requirements: replaces the inferred requirements (list or requirements file).
        extra_pip_requirements: added to the inferred requirements.
        pyfunc_predict_fn: the method ``pyfunc`` ``predict`` calls (``predict_proba``, ...).
        metadata: free-form dict stored in MLmodel.
        overwrite: replace an existing non-empty ``path``.

    Returns:
        The :class:`Model` written to ``path/MLmodel``.

    Raises:
        SaveError: bad arguments, a target that exists, an estimator that cannot be pickled, or one
            that refers to local modules neither installed nor in ``code_paths``.
    """
    import sklearn  # type: ignore[import-untyped]

    if serialization_format not in FORMATS:
        why = " (skops needs the skops package)" if serialization_format == "skops" else ""
        raise SaveError(
            f"serialization_format {serialization_format!r} is not one servebook writes{why}: pass "
            "'cloudpickle' or 'pickle'."
        )
    if conda_env is not None and (pip_requirements is not None or extra_pip_requirements is not None):
        raise SaveError(
            "conda_env cannot be combined with pip_requirements or extra_pip_requirements; pass one of them."
        )
    if pip_requirements is not None and extra_pip_requirements is not None:
        raise SaveError("Pass pip_requirements or extra_pip_requirements, not both.")
    if sk_model is None or isinstance(sk_model, type):
        raise SaveError("save_model() needs a fitted scikit-learn estimator instance as sk_model.")
    target = Path(os.fspath(path)).expanduser().absolute()
    _check_target(target, overwrite)
    code_sources = _resolve_code_paths(code_paths)
    code_names = _code_paths.top_level_names(code_sources)
    _check_code_names(code_names)
    conda = _read_conda_env(conda_env)
    predict = getattr(sk_model, pyfunc_predict_fn, None)

    target.parent.mkdir(parents=True, exist_ok=True)
    stage = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:12]}"
    stage.mkdir()
    try:
        model = mlflow_model if mlflow_model is not None else Model()
        modules = _write_estimator(stage / MODEL_FILENAME, sk_model, serialization_format)
        _check_referenced_modules(modules, code_names, set())
        if input_example is not None:
            from .input_example import save_input_example, split_example

            if signature is None and callable(predict):
                signature = _infer_signature(predict, split_example(input_example)[0])
            model.saved_input_example_info = save_input_example(stage, input_example, signature)
        if code_sources:
            (stage / CODE_DIRNAME).mkdir()
            for source in code_sources:
                _copy(source, stage / CODE_DIRNAME / source.name)
        code = CODE_DIRNAME if code_sources else None
        if conda is not None:
            reqs = requirements.pip_requirements_of_conda_env(conda)
        elif pip_requirements is not None:
            reqs = requirements.with_mlflow_first(_requirement_lines(pip_requirements))
        else:
            defaults = [requirements.mlflow_requirement()]
            if serialization_format == "cloudpickle":
                defaults.append(requirements.default_requirements()[1])
            inferred = requirements.infer_requirements(
                modules | {"sklearn"} | _code_paths.imports_of(code_sources), exclude_modules=code_names
            )
            extra = _requirement_lines(extra_pip_requirements) if extra_pip_requirements is not None else []
            reqs = requirements.merge_requirements(defaults, sorted(inferred, key=str.lower), extra)
        requirements.write_environment_files(stage, reqs, conda)
        if callable(predict):
            model.add_flavor(
                PYFUNC_FLAVOR,
                code=code,
                env={"conda": CONDA_ENV_FILENAME, "virtualenv": PYTHON_ENV_FILENAME},
                loader_module=SKLEARN_LOADER_MODULE,
                model_path=MODEL_FILENAME,
                predict_fn=pyfunc_predict_fn,
                python_version=requirements.python_version(),
            )
        model.add_flavor(
            SKLEARN_FLAVOR,
            code=code,
            pickled_model=MODEL_FILENAME,
            serialization_format=serialization_format,
            sklearn_version=sklearn.__version__,
            skops_trusted_types=None,
        )
        if signature is not None:
            model.signature = signature
        if metadata is not None:
            model.metadata = dict(metadata)
        model.model_size_bytes = _size_of(stage)
        model.save(stage / MLMODEL_FILENAME)
        _move_into_place(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return model


def _write_estimator(path: Path, sk_model: Any, fmt: str) -> set[str]:
    """Serialize ``sk_model``; the modules it refers to (for requirements and portability checks)."""
    try:
        if fmt == "cloudpickle":
            with open(path, "wb") as out:
                return pickling.dump(sk_model, out)
        data = pickle.dumps(sk_model)
        # the modules it names: the recording pickler sees the same objects
        modules = pickling.dump(sk_model, io.BytesIO())
    except Exception as exc:
        raise SaveError(
            f"The estimator cannot be serialized with {fmt}: {type(exc).__name__}: {exc}."
        ) from exc
    if b"__main__" in data:
        raise SaveError(
            "With serialization_format='pickle' the estimator refers to classes or functions defined in "
            "the notebook (__main__), which will not exist where the model is loaded. Use "
            "serialization_format='cloudpickle', or move them to a module and pass code_paths=[...]."
        )
    path.write_bytes(data)
    return modules


def _infer_signature(predict: Any, example: Any) -> ModelSignature | None:
    from ..signature import infer_signature
    from .save import row_output

    try:
        output = row_output(example, predict(example))
    except Exception as exc:  # an estimator failing on its example must not stop the save (MLflow warns)
        _logger.warning(
            "The estimator failed on input_example (%s: %s); saving input schema only.",
            type(exc).__name__,
            exc,
        )
        output = None
    return infer_signature(example, output)
