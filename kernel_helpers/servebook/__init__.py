"""servebook: MLflow-format models from a notebook to a tested local deployment.

``import servebook as mlflow`` runs code written for MLflow's fluent and pyfunc APIs. Importing the
package is cheap: every public name below is resolved on first use, so ``import servebook`` pulls in
neither pandas nor numpy (``tests/test_imports.py`` holds us to that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import widgets as _widgets  # noqa: F401 - installs the display hooks of reports and servers
from ._lazy_exports import lazy_exports
from ._version import __version__ as __version__

# public name -> module that owns it (relative to this package)
_EXPORTS: dict[str, str] = {
    # model format and pyfunc
    "PythonModel": ".format.python_model",
    "PythonModelContext": ".format.python_model",
    "save_model": ".format.save",
    "load_model": ".tracking.loading",
    "log_model": ".tracking.fluent",
    # serving
    "serve": ".serve.process",
    "LocalServer": ".serve.process",
    "ScoringClient": ".serve.client",
    # inspection
    "inspect": ".inspection",
    "ModelReport": ".inspection",
    # tracking (MLflow's fluent API)
    "start_run": ".tracking.fluent",
    "end_run": ".tracking.fluent",
    "active_run": ".tracking.fluent",
    "last_active_run": ".tracking.fluent",
    "set_experiment": ".tracking.fluent",
    "log_param": ".tracking.fluent",
    "log_params": ".tracking.fluent",
    "log_metric": ".tracking.fluent",
    "log_metrics": ".tracking.fluent",
    "set_tag": ".tracking.fluent",
    "set_tags": ".tracking.fluent",
    "log_artifact": ".tracking.fluent",
    "log_artifacts": ".tracking.fluent",
    "log_dict": ".tracking.fluent",
    "log_text": ".tracking.fluent",
    "get_artifact_uri": ".tracking.fluent",
    "set_tracking_uri": ".tracking.fluent",
    "get_tracking_uri": ".tracking.fluent",
    "search_runs": ".tracking.fluent",
    "get_run": ".tracking.fluent",
    "delete_run": ".tracking.fluent",
    "create_experiment": ".tracking.fluent",
    "get_experiment": ".tracking.fluent",
    "get_experiment_by_name": ".tracking.fluent",
}
_SUBMODULES = {
    "pyfunc",
    "models",
    "errors",
    "tracking",
    "serve",
    "signature",
    "inspection",
    "widgets",
    "sklearn",
}

__all__ = [*sorted(_EXPORTS), *sorted(_SUBMODULES), "__version__"]  # noqa: PLE0604

__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS, _SUBMODULES)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from . import errors as errors
    from . import inspection as inspection
    from . import models as models
    from . import pyfunc as pyfunc
    from . import signature as signature
    from . import sklearn as sklearn
    from . import tracking as tracking
    from .format.python_model import PythonModel as PythonModel
    from .format.python_model import PythonModelContext as PythonModelContext
    from .format.save import save_model as save_model
    from .inspection import ModelReport as ModelReport
    from .inspection import inspect as inspect
    from .serve.client import ScoringClient as ScoringClient
    from .serve.process import LocalServer as LocalServer
    from .serve.process import serve as serve
    from .tracking.fluent import active_run as active_run
    from .tracking.fluent import create_experiment as create_experiment
    from .tracking.fluent import delete_run as delete_run
    from .tracking.fluent import end_run as end_run
    from .tracking.fluent import get_artifact_uri as get_artifact_uri
    from .tracking.fluent import get_experiment as get_experiment
    from .tracking.fluent import get_experiment_by_name as get_experiment_by_name
    from .tracking.fluent import get_run as get_run
    from .tracking.fluent import get_tracking_uri as get_tracking_uri
    from .tracking.fluent import last_active_run as last_active_run
    from .tracking.fluent import log_artifact as log_artifact
    from .tracking.fluent import log_artifacts as log_artifacts
    from .tracking.fluent import log_dict as log_dict
    from .tracking.fluent import log_metric as log_metric
    from .tracking.fluent import log_metrics as log_metrics
    from .tracking.fluent import log_model as log_model
    from .tracking.fluent import log_param as log_param
    from .tracking.fluent import log_params as log_params
    from .tracking.fluent import log_text as log_text
    from .tracking.fluent import search_runs as search_runs
    from .tracking.fluent import set_experiment as set_experiment
    from .tracking.fluent import set_tag as set_tag
    from .tracking.fluent import set_tags as set_tags
    from .tracking.fluent import set_tracking_uri as set_tracking_uri
    from .tracking.fluent import start_run as start_run
    from .tracking.loading import load_model as load_model
