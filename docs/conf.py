"""Sphinx configuration: narrative pages in MyST Markdown, the API reference from numpydoc
docstrings, and the sphinx-gallery examples of ``examples/`` run at build time."""

import os
import sys
from pathlib import Path

import torch

# Import the package from this checkout, not from wherever else it may be installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import sgan_sklearn  # noqa: E402

# The gallery's networks are small: one torch thread is about as fast as several and
# leaves the other cores to whatever else runs on the machine.
torch.set_num_threads(int(os.environ.get("SGAN_DOCS_TORCH_THREADS", "1")))

project = "sgan-sklearn"
author = "sgan-sklearn developers"
copyright = "sgan-sklearn developers"
release = sgan_sklearn.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# speed.md is included into benchmarks.md rather than built as a page of its own.
exclude_patterns = ["_build", "speed.md", "auto_examples/*.ipynb", "auto_examples/*.py"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autosummary_generate = True
# get_params / set_params are inherited and shown; the metadata-routing helpers that
# scikit-learn adds to every estimator are not ours to document.
autodoc_default_options = {
    "members": True,
    "inherited-members": True,
    "exclude-members": "__init__, get_metadata_routing, set_score_request, set_split_request",
}
autodoc_typehints = "none"
# Methods are documented by the class template; numpydoc's own members table would
# list them twice.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # The Adult example reads the UCI files from disk, which a docs build does not have:
    # it is shown with its code, not run.
    "filename_pattern": r"/plot_(?!adult)",
    "doc_module": ("sgan_sklearn",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"sgan_sklearn": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"sgan-sklearn {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "header_links_before_dropdown": 8,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
# Wide tables and code: no left sidebar except on the API pages, which have sibling
# pages to navigate.
NARRATIVE_PAGES = [
    "index",
    "user_guide",
    "model_selection",
    "scaling_out",
    "api",
    "benchmarks",
    "reliability",
    "changes",
    "design",
]
html_sidebars = {page: [] for page in NARRATIVE_PAGES}
html_sidebars["auto_examples/*"] = []
