"""Every third-party module the package imports is installed by the package or by an extra."""

import ast
import doctest
import importlib.metadata
import re
import sys
from pathlib import Path

import sgan_sklearn

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(sgan_sklearn.__file__).resolve().parent
EXTRA_IN_MESSAGE = re.compile(r"sgan-sklearn\[(\w+)\]")


def _requirement_name(requirement):
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared_dependencies():
    """Core requirements and each extra's, as lower-case distribution names."""
    if sys.version_info >= (3, 11):
        import tomllib

        project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
        core = {_requirement_name(r) for r in project["dependencies"]}
        extras = {
            name: {_requirement_name(r) for r in requirements}
            for name, requirements in project["optional-dependencies"].items()
        }
    else:  # no tomllib: the installed metadata was written from the same file
        core, extras = set(), {}
        for requirement in importlib.metadata.requires("sgan-sklearn"):
            marker = re.search(r"extra\s*==\s*['\"](\w+)['\"]", requirement)
            target = extras.setdefault(marker.group(1), set()) if marker else core
            target.add(_requirement_name(requirement))
    # An extra naming the package itself (dev = sgan-sklearn[tests,examples]) includes those.
    for name, requirements in extras.items():
        for requirement in importlib.metadata.requires("sgan-sklearn") or []:
            nested = re.match(r"sgan-sklearn\[([\w,]+)\].*extra\s*==\s*['\"]" + name, requirement)
            if nested:
                for other in nested.group(1).split(","):
                    requirements |= extras.get(other, set())
    return core, extras


def _imported_top_level(source):
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def _imports_in_source(source):
    """Top-level modules imported by code at any depth and by the docstring examples."""
    tree = ast.parse(source)
    modules = _imported_top_level(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node)
            for example in doctest.DocTestParser().get_examples(docstring or ""):
                modules |= _imported_top_level(example.source)
    return modules


def _imports_by_file():
    return {path: _imports_in_source(path.read_text()) for path in PACKAGE_DIR.rglob("*.py")}


def _third_party(modules):
    return {m for m in modules if m not in sys.stdlib_module_names and m != "sgan_sklearn"}


def _distributions(module):
    names = importlib.metadata.packages_distributions().get(module)
    assert names, f"{module!r} is imported but no installed distribution provides it"
    return {name.lower().replace("_", "-") for name in names}


def test_every_package_import_is_declared_where_its_error_message_says():
    core, extras = _declared_dependencies()
    problems = []
    for path, modules in _imports_by_file().items():
        named_extras = set(EXTRA_IN_MESSAGE.findall(path.read_text()))
        for module in sorted(_third_party(modules)):
            distributions = _distributions(module)
            if distributions & core:
                continue
            if not named_extras:
                problems.append(
                    f"{path.name} imports {module!r}, which is not a core dependency, and "
                    "raises no ImportError naming the extra that installs it"
                )
            for extra in named_extras:
                if not distributions & extras.get(extra, set()):
                    problems.append(
                        f"{path.name} imports {module!r} and names the extra [{extra}], "
                        f"which does not install {sorted(distributions)}"
                    )
    assert not problems, "\n".join(problems)


def test_tests_extra_installs_what_the_tests_and_doctests_import():
    core, extras = _declared_dependencies()
    needed = set()
    for modules in _imports_by_file().values():
        needed |= _third_party(modules)
    for path in (REPO_ROOT / "tests").glob("*.py"):
        needed |= _third_party(_imported_top_level(path.read_text()))
    # The repository's own packages: from tests._helpers import ..., and the benchmark
    # loaders that the tests of those loaders import from benchmarks._datasets.
    needed -= {"tests", "benchmarks"}
    missing = {
        module: sorted(_distributions(module))
        for module in needed
        if not _distributions(module) & (core | extras["tests"])
    }
    assert not missing, f"the [tests] extra does not install: {missing}"


def test_the_scan_sees_function_level_and_doctest_imports():
    source = '''
"""Module.

>>> import pandas as pd
"""
import numpy


def plot():
    """Plot.

    >>> from matplotlib import pyplot
    """
    import scipy.sparse
'''
    assert _third_party(_imports_in_source(source)) == {"numpy", "pandas", "matplotlib", "scipy"}
