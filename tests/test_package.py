"""The package's shape: imports flow one way, the library never loads the emulation, and the wheel
works without the source tree."""

from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cleanroom_nb"

# Each stage may import only the stages listed after it (and itself). "" is the shared vocabulary
# at the package root (_errors, _findings, _roles).
ALLOWED: dict[str, set[str]] = {
    "": {""},
    "aws": {"", "aws"},
    "fixes": {"", "aws", "fixes"},
    "infer": {"", "aws", "fixes", "infer"},
    "glue": {"", "aws", "fixes", "infer", "glue"},
    "readiness": {"", "aws", "fixes", "infer", "glue", "readiness"},
    "request": {"", "aws", "fixes", "infer", "glue", "readiness", "request"},
    "submit": {"", "aws", "fixes", "infer", "glue", "readiness", "request", "submit"},
    "audience": {"", "aws", "fixes", "infer", "glue", "readiness", "request", "submit", "audience"},
    "form": {
        "",
        "aws",
        "fixes",
        "infer",
        "glue",
        "readiness",
        "request",
        "submit",
        "audience",
        "form",
    },
    "local": {"", "aws", "local"},
}
# The entry points that may reach every stage (and the emulation).
ENTRY_POINTS = {"__init__.py", "__main__.py", "testing.py"}


def _stage(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    # a private package at the root (cleanroom_nb/_rulebook) is shared vocabulary, like _findings
    return rel.parts[0] if len(rel.parts) > 1 and not rel.parts[0].startswith("_") else ""


def _imported_stages(path: Path) -> set[tuple[str, int]]:
    """(stage, line) for every ``cleanroom_nb`` import in ``path``, top-level or inside functions."""
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "cleanroom_nb":
                modules = [f"cleanroom_nb.{alias.name}" for alias in node.names]
            else:
                modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if parts[0] != "cleanroom_nb":
                continue
            target = parts[1] if len(parts) > 1 else ""
            found.add(("" if target.startswith("_") or not target else target, node.lineno))
    return found


LIBRARY_MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).as_posix() not in ENTRY_POINTS
)


@pytest.mark.parametrize("path", LIBRARY_MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_flow_one_way(path: Path) -> None:
    stage = _stage(path)
    wrong = sorted(
        (line, target) for target, line in _imported_stages(path) if target not in ALLOWED[stage]
    )
    assert not wrong, (
        f"{path.relative_to(ROOT)} (stage {stage or 'root'!r}) imports "
        + ", ".join(f"{t or 'root'!r} at line {line}" for line, t in wrong)
        + f"; allowed: {sorted(ALLOWED[stage])}"
    )


def test_every_module_has_a_stage() -> None:
    stages = {_stage(p) for p in LIBRARY_MODULES}
    assert stages <= set(ALLOWED), stages - set(ALLOWED)


def test_import_loads_neither_the_emulation_nor_the_widgets() -> None:
    """Nor matplotlib and IPython: the charts and the notebook progress load on first use."""
    code = (
        "import sys, cleanroom_nb as crn\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('cleanroom_nb.local', 'moto',"
        " 'ipywidgets', 'cleanroom_nb.form._view', 'matplotlib', 'IPython')))\n"
        "print(bad)\n"
        "missing = [n for n in crn.__all__ if not hasattr(crn, n)]\n"
        "print(missing)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.splitlines()
    assert out == ["[]", "[]"], out


def test_public_names_come_from_the_stage_packages() -> None:
    import cleanroom_nb as crn

    for name in crn.__all__:
        if name == "__version__":
            continue
        module = getattr(getattr(crn, name), "__module__", None)
        if module is None:  # constants
            continue
        assert module.startswith("cleanroom_nb"), (name, module)


def test_wheel_installs_and_runs_without_the_source_tree(tmp_path: Path) -> None:
    """``pip wheel . --no-deps``, installed into a fresh virtualenv, imports and runs its CLI.

    The fresh environment sees this environment's third-party packages through a plain path
    entry (not processed as a site dir, so the editable install of the source tree stays out).
    """
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "-q",
            "-w",
            str(wheels),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = wheels.glob("cleanroom_nb-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cleanroom_nb/py.typed" in names
    stages = ("aws", "infer", "glue", "readiness", "request", "submit", "audience", "form", "local")
    for stage in stages:
        assert f"cleanroom_nb/{stage}/__init__.py" in names, stage

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "third_party.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", site, str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    where = subprocess.run(
        [str(python), "-c", "import cleanroom_nb; print(cleanroom_nb.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert where.startswith(site), where
    helped = subprocess.run(
        [str(python), "-m", "cleanroom_nb", "--help"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert "demo" in helped and "local" in helped


# Raises of other exception classes that are fine: Python protocols (``__getattr__``, a file
# object's ``seek``, abstract methods) and signals caught inside the module that raises them.
# Each is (file, class).
OTHER_RAISES_ALLOWED = {
    ("__init__.py", "AttributeError"),  # module __getattr__
    ("form/__init__.py", "AttributeError"),  # module __getattr__
    ("form/audience/__init__.py", "AttributeError"),  # module __getattr__
    ("form/_view.py", "AttributeError"),  # __getattr__
    ("glue/_s3_file.py", "ValueError"),  # io.RawIOBase.seek's own contract
    ("_progress.py", "NotImplementedError"),  # abstract methods
    ("readiness/_pandas.py", "ValueError"),  # "long strings"/"hash collision": caught there
    ("aws/_role_check.py", "Unchecked"),  # caught in _role_check and _output_role_check
    ("_rulebook/_registry.py", "RuntimeError"),  # a second builder of a code: at import
    ("_rulebook/_schema.py", "KeyError"),  # fix_needed of a code that is no fix: a bug of ours
}


def _raised_classes(path: Path) -> list[tuple[str, int]]:
    """(dotted name, line) of each ``raise Name(...)`` / ``raise mod.Name(...)`` in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            if isinstance(func, ast.Name | ast.Attribute):
                out.append((ast.unparse(func), node.lineno))
    return out


def test_every_error_the_library_raises_is_a_cleanroom_nb_error() -> None:
    """Issue 17 item 9: ``except crn.CleanroomNbError`` catches whatever the library raises
    (the emulation under cleanroom_nb/local speaks AWS's errors and is not the library)."""
    import builtins
    import importlib

    import cleanroom_nb as crn

    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "local" or rel.name == "__main__.py":
            continue
        module_name = ".".join(("cleanroom_nb", *rel.with_suffix("").parts))
        module = importlib.import_module(module_name.removesuffix(".__init__"))
        for dotted, line in _raised_classes(path):
            obj: object = module.__dict__.get(dotted.split(".")[0], getattr(builtins, dotted, None))
            for part in dotted.split(".")[1:]:
                obj = getattr(obj, part, None)
            if not (isinstance(obj, type) and issubclass(obj, BaseException)):
                continue  # a function that returns an error (e.g. _client.translate)
            key = (rel.as_posix(), obj.__name__)
            if issubclass(obj, crn.CleanroomNbError) or key in OTHER_RAISES_ALLOWED:
                continue
            wrong.append(f"{rel.as_posix()}:{line} raises {obj.__name__}")
    assert not wrong, wrong


def test_conversion_and_pattern_errors_are_cleanroom_nb_errors() -> None:
    import cleanroom_nb as crn
    from cleanroom_nb.aws._java_regex import UnsupportedPatternError
    from cleanroom_nb.fixes._convert import ConversionError

    for cls in (ConversionError, UnsupportedPatternError, crn.CleanroomNbError):
        assert issubclass(cls, crn.CleanroomNbError)
    assert issubclass(UnsupportedPatternError, ValueError)  # `except ValueError` still works


def test_top_level_is_what_a_notebook_user_calls() -> None:
    """Test seams and the emulation live in submodules; ``crn.local_aws`` stays a shortcut."""
    import cleanroom_nb as crn
    import cleanroom_nb.form
    import cleanroom_nb.local

    for name in ("FormState", "CleanRoomsMLEmulator", "LocalAws", "local_aws"):
        assert name not in crn.__all__, name
    assert not hasattr(crn, "FormState") and not hasattr(crn, "CleanRoomsMLEmulator")
    assert crn.local_aws is cleanroom_nb.local.local_aws
    assert cleanroom_nb.form.FormState.__module__.startswith("cleanroom_nb.form")
    assert len(crn.__all__) == len(set(crn.__all__))
    errors = [getattr(crn, n) for n in crn.__all__ if n.endswith(("Error", "Exception"))]
    assert all(issubclass(e, crn.CleanroomNbError) for e in errors), errors
    assert {"ConversionError", "UnsupportedPatternError"} <= set(crn.__all__)
