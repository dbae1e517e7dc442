"""Requirements of a saved model, inferred from the live process, and the three environment files.

Inference needs no subprocess and never loads the model again: the pickler records every module the
pickle refers to (see :mod:`servebook.format.pickling`), the ``code_paths`` files are parsed for their
imports, and each top-level module is mapped to the installed distribution that provides it
(``importlib.metadata.packages_distributions``), pinned to the installed version. Standard-library
modules, ``__main__``, the modules shipped in ``code/`` and servebook itself are skipped.

What ``requirements.txt`` holds, in this order:

1. ``mlflow==3.17.2`` (or the installed mlflow's version, when there is one), exactly as MLflow writes
   it: MLflow's serving tools build the model's environment from this file and run MLflow inside it.
   The pickle names MLflow's ``PythonModel`` (see :mod:`.pickling`), so in that environment the model
   loads with stock ``mlflow.pyfunc.load_model``; servebook itself is not needed there.
2. ``cloudpickle==<installed>`` (it wrote the pickle), then the inferred distributions, sorted.

The servebook loader needs PyYAML, cloudpickle, and numpy/pandas for DataFrame inputs; all of these are
dependencies of ``mlflow``, so an environment created from ``requirements.txt`` alone can load the
model with servebook too (install servebook into it with ``--no-deps``).
"""

from __future__ import annotations

import functools
import importlib.metadata as md
import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .mlmodel import MLFLOW_FORMAT_VERSION, dump_yaml

__all__ = [
    "default_requirements",
    "infer_requirements",
    "mlflow_requirement",
    "write_environment_files",
]

# distributions never listed: servebook is not on the package index; the build tools are listed in
# python_env.yaml instead
_NEVER = {"servebook", "pip", "setuptools", "wheel"}
_MLFLOW_DISTRIBUTIONS = {"mlflow", "mlflow-skinny", "mlflow-tracing"}


@functools.lru_cache(maxsize=1)
def _module_to_distributions() -> dict[str, list[str]]:
    return dict(md.packages_distributions())


# import names whose distribution is named differently (tried before the full scan)
_KNOWN_NAMES = {
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "yaml": "PyYAML",
    "_yaml": "PyYAML",
    "PIL": "Pillow",
    "cv2": "opencv-python",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "jwt": "PyJWT",
    "git": "GitPython",
    "google": "protobuf",
    "attr": "attrs",
}


def _provides(dist: md.Distribution, top: str) -> bool:
    declared = dist.read_text("top_level.txt")
    if declared is not None and top in declared.split():
        return True
    record = dist.read_text("RECORD") or ""
    return any(line.startswith((f"{top}/", f"{top}.py,", f"{top}.")) for line in record.splitlines())


def _installed_location(top: str) -> bool:
    """True when ``top`` imports from the interpreter's own directories (site-packages, stdlib)."""
    module = sys.modules.get(top)
    origin = getattr(module, "__file__", None)
    if module is None:
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return False
        if spec is None:
            return False
        origin = spec.origin
        if not origin or origin == "namespace":
            locations = list(spec.submodule_search_locations or [])
            origin = locations[0] if locations else None
    if not origin:
        return True  # built-in or namespace without location: let the full scan decide
    real = os.path.realpath(origin)
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return any(real.startswith(prefix + os.sep) for prefix in prefixes)


@functools.lru_cache(maxsize=512)
def _distribution_of_top(top: str) -> str | None:
    """Fast path: a distribution named like the module (or a known alias) that really provides it;
    otherwise the full ``packages_distributions()`` scan, which reads every installed RECORD once."""
    for candidate in (_KNOWN_NAMES.get(top), top, top.replace("_", "-")):
        if not candidate:
            continue
        try:
            dist = md.distribution(candidate)
        except md.PackageNotFoundError:
            continue
        if _provides(dist, top):
            return str(dist.metadata["Name"])
    if not _installed_location(top):
        return None  # not importable, or a local file: no installed distribution provides it
    dists = _module_to_distributions().get(top)
    return dists[0] if dists else None


@functools.lru_cache(maxsize=256)
def _version(distribution: str) -> str | None:
    try:
        return md.version(distribution)
    except md.PackageNotFoundError:
        return None


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def mlflow_requirement() -> str:
    """The ``mlflow==X`` line: the installed mlflow's version, else the format version we write."""
    return f"mlflow=={_version('mlflow') or MLFLOW_FORMAT_VERSION}"


def distribution_of(module: str) -> str | None:
    """The installed distribution providing top-level ``module`` (None for stdlib or unknown)."""
    top = module.split(".", 1)[0]
    if not top or top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return None
    return _distribution_of_top(top)


def infer_requirements(modules: Iterable[str], *, exclude_modules: Iterable[str] = ()) -> list[str]:
    """Pinned requirements (``name==version``) for ``modules``, without the default lines."""
    excluded = {name.split(".", 1)[0] for name in exclude_modules}
    seen: dict[str, str] = {}
    for module in modules:
        top = module.split(".", 1)[0]
        if top in excluded or top == "__main__":
            continue
        dist = distribution_of(top)
        if dist is None:
            continue
        key = _canonical(dist)
        if key in _NEVER or key in _MLFLOW_DISTRIBUTIONS or key in seen:
            continue
        version = _version(dist)
        seen[key] = f"{dist}=={version}" if version else dist
    return [seen[key] for key in sorted(seen)]


def default_requirements() -> list[str]:
    """The lines every custom model gets: mlflow, then cloudpickle."""
    return [mlflow_requirement(), f"cloudpickle=={_version('cloudpickle')}"]


def _requirement_name(line: str) -> str:
    for stop in "<>=!~;[ @":
        line = line.split(stop, 1)[0]
    return _canonical(line.strip())


def merge_requirements(*groups: Iterable[str]) -> list[str]:
    """Concatenate requirement lists, keeping the first line for each distribution name."""
    out: list[str] = []
    names: set[str] = set()
    for group in groups:
        for line in group:
            line = line.strip()
            if not line:
                continue
            name = _requirement_name(line)
            if name and not line.startswith("-") and name in names:
                continue
            names.add(name)
            out.append(line)
    return out


def with_mlflow_first(requirements: list[str]) -> list[str]:
    """Prepend ``mlflow==X`` unless an mlflow distribution is already listed (MLflow does the same)."""
    if any(_requirement_name(line) in ("mlflow", "mlflow-skinny") for line in requirements):
        return requirements
    return [mlflow_requirement(), *requirements]


def _build_dependencies() -> list[str]:
    out = []
    for package in ("pip", "setuptools", "wheel"):
        version = _version(package)
        out.append(f"{package}=={version}" if version else package)
    return out


def python_version() -> str:
    """``X.Y.Z`` of the running interpreter (what MLmodel's ``python_version`` records)."""
    return ".".join(str(part) for part in sys.version_info[:3])


def write_environment_files(
    model_dir: Path, requirements: list[str], conda_env: dict[str, Any] | None = None
) -> None:
    """Write requirements.txt, conda.yaml and python_env.yaml in MLflow's exact format."""
    (model_dir / "requirements.txt").write_text("\n".join(requirements), encoding="utf-8")
    if conda_env is None:
        pip_version = _version("pip")
        conda_env = {
            "channels": ["conda-forge"],
            "dependencies": [
                f"python={python_version()}",
                f"pip<={pip_version}" if pip_version else "pip",
                {"pip": list(requirements)},
            ],
            "name": "mlflow-env",
        }
    (model_dir / "conda.yaml").write_text(dump_yaml(conda_env), encoding="utf-8")
    python_env = {
        "python": python_version(),
        "build_dependencies": _build_dependencies(),
        "dependencies": ["-r requirements.txt"],
    }
    (model_dir / "python_env.yaml").write_text(dump_yaml(python_env, sort_keys=False), encoding="utf-8")


def pip_requirements_of_conda_env(conda_env: dict[str, Any]) -> list[str]:
    """The pip section of a conda environment mapping (what requirements.txt gets for ``conda_env=``)."""
    for dep in conda_env.get("dependencies", []) or []:
        if isinstance(dep, dict) and isinstance(dep.get("pip"), list):
            return [str(line) for line in dep["pip"]]
    return []
