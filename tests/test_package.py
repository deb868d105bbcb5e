"""factcheck as an installable package: declared dependencies, a console script, its data files
inside the wheel, the lab kept apart from the product, and benchmark paths a user can change."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "factcheck"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _requirement_lines(path: Path) -> set[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line.replace(" ", "") for line in lines if line and not line.startswith("-")}


@pytest.mark.unit
def test_pyproject_declares_the_same_pins_as_requirements_txt():
    declared = {d.replace(" ", "") for d in PYPROJECT["project"]["dependencies"]}
    assert declared == _requirement_lines(ROOT / "requirements.txt")
    assert "torch==2.13.0" in declared, "an unpinned torch pulls a multi-GB CUDA build"


@pytest.mark.unit
def test_console_script_is_the_cli_main_and_its_return_is_the_exit_status(tmp_path, capsys):
    from factcheck import cli

    assert PYPROJECT["project"]["scripts"] == {"factcheck": "factcheck.cli:main"}
    # A console script runs sys.exit(main()): main must return the status, not print it and return None.
    assert cli.main(["claims", str(tmp_path / "missing.txt")]) == 1
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0


def _product_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "lab" not in p.relative_to(PACKAGE).parts[:1])


def _imported_names(path: Path, code: str | None = None) -> set[str]:
    """Every module name an import statement in path (or code, as if it were path) names, relative imports resolved."""
    package = ".".join(("factcheck", *path.relative_to(PACKAGE).parent.parts))
    code = path.read_text(encoding="utf-8") if code is None else code
    names: set[str] = set()
    for node in ast.walk(ast.parse(code, str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            names.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return names


@pytest.mark.unit
def test_the_product_never_imports_the_lab():
    modules = _product_modules()
    assert PACKAGE / "cli.py" in modules and PACKAGE / "checker.py" in modules
    assert not any("lab" in p.parts for p in modules)
    offenders = {
        p.relative_to(ROOT).as_posix(): sorted(
            n for n in _imported_names(p) if n.split(".")[:2] == ["factcheck", "lab"]
        )
        for p in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.unit
def test_the_import_walker_sees_every_form_of_import():
    """The check above would pass vacuously if the walker missed a form; prove it sees each."""
    fake = PACKAGE / "stance" / "x.py"
    sources = {
        "import factcheck.lab.datasets": "factcheck.lab.datasets",
        "from factcheck.lab import evaluate": "factcheck.lab.evaluate",
        "from factcheck import lab": "factcheck.lab",
        "from ..lab import cli": "factcheck.lab.cli",
        "importlib.import_module('factcheck.lab.train_stance')": "factcheck.lab.train_stance",
    }
    for code, expected in sources.items():
        assert expected in _imported_names(fake, code), code


@pytest.mark.unit
def test_benchmarks_folder_is_a_flag_or_an_environment_variable(tmp_path, monkeypatch, capsys):
    from factcheck.lab import cli as lab_cli
    from factcheck.lab import datasets

    monkeypatch.delenv(datasets.BENCHMARKS_ENV, raising=False)
    assert datasets.default_path("vitaminc") == datasets.BENCHMARKS_DIR / "vitaminc-sample"
    monkeypatch.setenv(datasets.BENCHMARKS_ENV, str(tmp_path / "env"))
    assert datasets.default_path("vitaminc") == tmp_path / "env" / "vitaminc-sample"
    assert datasets.default_path("vitaminc", tmp_path / "flag") == tmp_path / "flag" / "vitaminc-sample"

    folder = tmp_path / "flag" / "vitaminc-sample"
    folder.mkdir(parents=True)
    row = {
        "id": "v0",
        "claim": "Colossus has 100,000 GPUs .",
        "evidence": "Colossus has 100,000 GPUs .",
        "label": "supports",
    }
    (folder / "test.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_EMBEDDER", "hash")
    argv = ["eval", "vitaminc", "--benchmarks", str(tmp_path / "flag"), "--system", "comparator"]
    assert lab_cli.main(argv) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 1

    # The variable points nowhere: the message says where it looked and how to point elsewhere.
    assert lab_cli.main(["eval", "vitaminc", "--system", "comparator"]) == 1
    err = capsys.readouterr().err
    assert str(tmp_path / "env") in err and "--benchmarks" in err and datasets.BENCHMARKS_ENV in err


def _tracked_package_files() -> list[str]:
    """The package's files as git knows them (what a fresh clone builds from)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", "factcheck"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return sorted(f for f in out.split("\0") if f and (ROOT / f).is_file())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the tracked files, so no build litter lands in the shared tree."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are the project's")
    src = tmp_path_factory.mktemp("src")
    for name in ["pyproject.toml", "README.md", *_tracked_package_files()]:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), "."],
        cwd=src,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("factcheck-*.whl")
    return built


@pytest.mark.integration
@pytest.mark.slow
def test_the_wheel_holds_every_package_file_and_its_metadata(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in _tracked_package_files() if f not in names]
    assert missing == [], "package data left out of the wheel: add it to [tool.setuptools.package-data]"
    for data in ("factcheck/models/stance/weights.npz", "factcheck/samples/colossus-en.md", "factcheck/py.typed"):
        assert data in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert "Requires-Dist: torch==2.13.0" in text
    entry = zipfile.ZipFile(wheel).read(meta.replace("METADATA", "entry_points.txt")).decode()
    assert "factcheck = factcheck.cli:main" in entry


@pytest.mark.integration
@pytest.mark.slow
def test_an_installed_copy_works_outside_the_repository(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "FACTCHECK_DATA_DIR": str(tmp_path / "data")}

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(argv, cwd=away, env=env, capture_output=True, timeout=300)

    where = run(sys.executable, "-c", "import factcheck, factcheck.cli; print(factcheck.__file__)")
    assert where.returncode == 0, where.stderr.decode()
    assert Path(where.stdout.decode().strip()).is_relative_to(target), "imported the repository, not the installed copy"

    script = target / "bin" / "factcheck"
    assert script.is_file(), "the wheel installs no factcheck command"
    helped = run(sys.executable, str(script), "--help")
    assert helped.returncode == 0 and b"claims" in helped.stdout

    sample = target / "factcheck" / "samples" / "colossus-en.md"
    claims = run(sys.executable, str(script), "claims", str(sample))
    assert claims.returncode == 0, claims.stderr.decode()
    out = json.loads(claims.stdout)
    assert out["language"] == "en" and len(out["claims"]) >= 5

    failed = run(sys.executable, str(script), "claims", str(away / "missing.md"))
    assert failed.returncode == 1 and b"no such file" in failed.stderr


@pytest.mark.unit
def test_bench_scripts_import_the_installed_package_without_editing_sys_path():
    """`make` installs the project editable; a script that edits sys.path would hide a broken install."""
    offenders = []
    for script in sorted((ROOT / "bench").glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"), str(script))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and ast.unparse(node.func.value) == "sys.path"
            ):
                offenders.append(f"{script.name}:{node.lineno}")
    assert offenders == []
