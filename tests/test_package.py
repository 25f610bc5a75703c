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
    return rel.parts[0] if len(rel.parts) > 1 else ""


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
