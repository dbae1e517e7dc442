"""Compare a model's recorded environment with a Python environment, without running model code.

Owns: reading ``requirements.txt`` (or the pip section of ``conda.yaml``), asking an interpreter which
distributions it has, and judging each requirement (ok, missing, version mismatch). The current
interpreter is asked in-process through :mod:`importlib.metadata`; another interpreter is asked in a
subprocess that runs only the stdlib snippet below (never anything from the model directory), with a
timeout.

Must not import pandas, numpy, jupyter_server or tornado. ``packaging`` is used when importable; without
it only ``==`` pins are judged.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["EnvironmentReport", "RequirementCheck", "check_environment", "probe_interpreter"]

# Requirements MLflow adds on its own; servebook serves these models without them.
_NOT_NEEDED = frozenset({"mlflow", "mlflow-skinny"})
_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_MAX_REQUIREMENT_LINES = 500

# Runs in the *target* interpreter: stdlib only, reads metadata, prints one JSON line.
_PROBE_SOURCE = r"""
import json, os, platform, sys
import importlib.metadata as md
names = json.loads(sys.argv[1])
found = {}
for name in names:
    try:
        found[name] = md.version(name)
    except Exception:  # not installed, or broken metadata: either way no usable version
        found[name] = None
markers = {
    "implementation_name": sys.implementation.name,
    "implementation_version": platform.python_version(),
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "platform_python_implementation": platform.python_implementation(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}
print(json.dumps({"python_version": platform.python_version(), "versions": found, "markers": markers}))
"""


@dataclass(frozen=True)
class RequirementCheck:
    """One requirement line judged against an environment.

    Attributes:
        requirement: the line as written in the model (comments stripped).
        name: the distribution name, or ``None`` when the line is not a plain requirement.
        specifier: the version specifier (``"==2.4.6"``, ``""`` when unpinned).
        installed: the version installed in the target environment, or ``None``.
        status: ``ok``, ``missing``, ``mismatch``, ``not_needed`` or ``unchecked``.
    """

    requirement: str
    name: str | None
    specifier: str
    installed: str | None
    status: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "requirement": self.requirement,
            "name": self.name,
            "specifier": self.specifier,
            "installed": self.installed,
            "status": self.status,
        }


@dataclass(frozen=True)
class EnvironmentReport:
    """How a model's recorded environment compares with a Python environment."""

    python_executable: str
    python_version: str | None
    model_python_version: str | None
    python_minor_ok: bool | None
    cloudpickle_model: str | None
    cloudpickle_installed: str | None
    requirements_file: str | None
    requirements: tuple[RequirementCheck, ...] = ()
    problems: tuple[str, ...] = ()
    error: str | None = None

    @property
    def missing(self) -> list[str]:
        """Names of required distributions that are not installed."""
        return [r.name or r.requirement for r in self.requirements if r.status == "missing"]

    @property
    def mismatched(self) -> list[str]:
        """Requirements whose installed version does not satisfy the specifier."""
        return [r.requirement for r in self.requirements if r.status == "mismatch"]

    @property
    def cloudpickle_ok(self) -> bool | None:
        """Whether the installed cloudpickle equals the one that wrote the model (None: not relevant)."""
        if self.cloudpickle_model is None:
            return None
        return self.cloudpickle_installed == self.cloudpickle_model

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (see docs/rest-api.md, ``environment``)."""
        cloudpickle = None
        if self.cloudpickle_model is not None:
            cloudpickle = {
                "model": self.cloudpickle_model,
                "installed": self.cloudpickle_installed,
                "ok": self.cloudpickle_ok,
            }
        return {
            "python_executable": self.python_executable,
            "python_version": self.python_version,
            "model_python_version": self.model_python_version,
            "python_minor_ok": self.python_minor_ok,
            "cloudpickle": cloudpickle,
            "requirements_file": self.requirements_file,
            "requirements": [r.to_dict() for r in self.requirements],
            "missing": self.missing,
            "mismatched": self.mismatched,
            "problems": list(self.problems),
            "error": self.error,
        }


def normalize_name(name: str) -> str:
    """Return the PEP 503 normalized form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirement_lines(model_dir: Path, conda_file: str | None) -> tuple[str | None, list[str]]:
    """Return ``(file name, requirement lines)`` recorded in the model directory, or ``(None, [])``."""
    req = model_dir / "requirements.txt"
    if req.is_file() and not req.is_symlink():
        lines = []
        for raw in req.read_text(encoding="utf-8", errors="replace").splitlines()[:_MAX_REQUIREMENT_LINES]:
            line = raw.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
        return "requirements.txt", lines
    if conda_file:
        conda = model_dir / conda_file
        if conda.is_file() and not conda.is_symlink():
            import yaml

            try:
                data = yaml.safe_load(conda.read_text(encoding="utf-8", errors="replace"))
            except yaml.YAMLError:
                return conda_file, []
            deps = data.get("dependencies") if isinstance(data, dict) else None
            for dep in deps or []:
                if isinstance(dep, dict) and isinstance(dep.get("pip"), list):
                    return conda_file, [str(x).strip() for x in dep["pip"] if str(x).strip()]
            return conda_file, []
    return None, []


def _parse(line: str) -> tuple[str | None, str, Any]:
    """Return ``(name, specifier, parsed requirement or None)`` for one requirement line."""
    if line.startswith("-") or "://" in line or line.startswith((".", "/")):
        return None, "", None
    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:  # pragma: no cover - packaging ships with pip/jupyter; judged by regex then
        match = _NAME_RE.match(line)
        if not match:
            return None, "", None
        return match.group(1), line[match.end() :].strip(), None
    try:
        parsed = Requirement(line)
    except InvalidRequirement:
        return None, "", None
    return parsed.name, str(parsed.specifier), parsed


def probe_interpreter(python: str, names: list[str], timeout: float = 20.0) -> dict[str, Any]:
    """Ask ``python`` for its version, marker environment and the versions of ``names``.

    Runs a stdlib-only snippet (no shell, no code from any model) in an empty working directory.

    Raises:
        OSError: the interpreter cannot be started.
        subprocess.TimeoutExpired: it did not answer within ``timeout`` seconds.
        ValueError: it answered with something that is not the expected JSON.
    """
    with tempfile.TemporaryDirectory(prefix="servebook-probe-") as cwd:
        proc = subprocess.run(
            [python, "-c", _PROBE_SOURCE, json.dumps(names)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if proc.returncode != 0:
        raise ValueError(f"exit code {proc.returncode}: {proc.stderr.strip()[-300:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    if not isinstance(data, dict) or not isinstance(data.get("versions"), dict):
        raise ValueError("unexpected answer")
    return data


def _probe_here(names: list[str]) -> dict[str, Any]:
    import importlib.metadata as md

    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    return {"python_version": platform.python_version(), "versions": versions, "markers": None}


def _is_current(python: str | None) -> bool:
    # Not resolve(): a venv's python is a symlink to the base interpreter, but a different environment.
    return python is None or os.path.abspath(python) == os.path.abspath(sys.executable)


def _minor(version: str | None) -> tuple[str, ...] | None:
    if not version:
        return None
    parts = str(version).split(".")
    return tuple(parts[:2]) if len(parts) >= 2 else None


def check_environment(
    model_dir: Path,
    *,
    model_python_version: str | None,
    cloudpickle_version: str | None,
    conda_file: str | None,
    python: str | None = None,
    timeout: float = 20.0,
) -> EnvironmentReport:
    """Judge the model's requirements, Python and cloudpickle versions against ``python``.

    Args:
        model_dir: the model directory (only ``requirements.txt`` / ``conda_file`` are read).
        model_python_version: the Python version recorded in MLmodel (or ``python_env.yaml``).
        cloudpickle_version: the cloudpickle version recorded in MLmodel, if any.
        conda_file: the conda env file named in MLmodel, used when there is no requirements.txt.
        python: interpreter to check against; ``None`` means the current one.
        timeout: seconds to wait for another interpreter's answer.

    Returns:
        An :class:`EnvironmentReport`; failures to ask the interpreter are reported in ``error``.
    """
    executable = python or sys.executable
    req_file, lines = read_requirement_lines(model_dir, conda_file)
    parsed = [(line, *_parse(line)) for line in lines]
    names = sorted({n for _, n, _, _ in parsed if n} | ({"cloudpickle"} if cloudpickle_version else set()))
    error = None
    try:
        info = _probe_here(names) if _is_current(python) else probe_interpreter(executable, names, timeout)
    except subprocess.TimeoutExpired:
        info, error = (
            None,
            f"{executable} did not answer within {timeout:g} s; the environment was not checked.",
        )
    except (OSError, ValueError) as exc:
        info, error = (
            None,
            f"Could not ask {executable} for its packages ({exc}); the environment was not checked.",
        )

    versions: dict[str, str | None] = info["versions"] if info else {}
    markers = info.get("markers") if info else None
    checks: list[RequirementCheck] = []
    problems: list[str] = []
    for line, name, spec, req in parsed:
        if name is None:
            checks.append(RequirementCheck(line, None, "", None, "unchecked"))
            continue
        installed = versions.get(name)
        if normalize_name(name) in _NOT_NEEDED:
            status = "not_needed"
        elif info is None:
            status = "unchecked"
        elif req is not None and req.marker is not None and not req.marker.evaluate(markers or None):
            status = "not_needed"
        elif installed is None:
            status = "missing"
            problems.append(f"{line} is required by the model but not installed in {executable}.")
        elif _satisfies(spec, installed, req):
            status = "ok"
        else:
            status = "mismatch"
            problems.append(f"{line} is required by the model, {executable} has {name} {installed}.")
        checks.append(RequirementCheck(line, name, spec, installed, status))

    target_version = info["python_version"] if info else None
    minor_ok = None
    if _minor(model_python_version) and _minor(target_version):
        minor_ok = _minor(model_python_version) == _minor(target_version)
        if not minor_ok:
            problems.append(
                f"The model was saved with Python {model_python_version}, {executable} is Python "
                f"{target_version}: pickles may not load across minor versions."
            )
    installed_cp = versions.get("cloudpickle") if cloudpickle_version else None
    if cloudpickle_version and info is not None and installed_cp != cloudpickle_version:
        problems.append(
            f"The model was pickled with cloudpickle {cloudpickle_version}, {executable} has "
            f"{installed_cp or 'no cloudpickle'}: install cloudpickle=={cloudpickle_version}."
        )
    return EnvironmentReport(
        python_executable=executable,
        python_version=target_version,
        model_python_version=model_python_version,
        python_minor_ok=minor_ok,
        cloudpickle_model=cloudpickle_version,
        cloudpickle_installed=installed_cp,
        requirements_file=req_file,
        requirements=tuple(checks),
        problems=tuple(problems),
        error=error,
    )


def _satisfies(spec: str, installed: str, req: Any) -> bool:
    if not spec:
        return True
    if req is not None:
        try:
            return bool(req.specifier.contains(installed, prereleases=True))
        except Exception:  # an unparsable installed version: judge it by the exact pin only
            pass
    pins = [s.strip()[2:].strip() for s in spec.split(",") if s.strip().startswith("==")]
    return all(pin == installed for pin in pins)
