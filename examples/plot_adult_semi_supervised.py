"""
=====================================================
Semi-supervised classification of a tabular data set
=====================================================

The UCI Adult (census income) data mixes numeric columns (age, hours per week, ...) with
categorical ones (occupation, marital status, ...) and has missing values. This example keeps
the labels of only about 1% of the training rows, marks the others with -1, and compares three
semi-supervised classifiers behind the same scikit-learn preprocessing:

- :class:`~sgan_sklearn.SGANClassifier`, a semi-supervised GAN;
- :class:`~sklearn.semi_supervised.LabelSpreading` on a k-nearest-neighbours graph;
- :class:`~sklearn.semi_supervised.SelfTrainingClassifier` around a logistic regression;

and, as a reference, the same logistic regression fitted on the labeled rows alone.

Models are compared by cross-validation with
:class:`~sgan_sklearn.model_selection.SemiSupervisedStratifiedKFold` (test folds hold labeled
rows only, every unlabeled row is in every training fold) and
:func:`~sgan_sklearn.model_selection.labeled_scorer`, then scored on the 16,281 rows of
``adult.test``, all of them labeled.

Nothing is downloaded: the script reads ``adult.data`` and ``adult.test`` from a folder given
by ``--data``, or the environment variable ``SGAN_ADULT_PATH``, or by default
``../shared/data/adult`` relative to the repository root. Run it with::

    python examples/plot_adult_semi_supervised.py --data /path/to/adult
"""

# %%
# Load the data
# -------------
# ``benchmarks._datasets.load_adult`` returns DataFrames whose categorical columns have a
# ``category`` dtype and whose missing values (``?`` in the files) are NaN.
import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

from benchmarks._datasets import load_adult
from sgan_sklearn import SGANClassifier
from sgan_sklearn.model_selection import SemiSupervisedStratifiedKFold, labeled_scorer


def default_data_path():
    if os.environ.get("SGAN_ADULT_PATH"):
        return Path(os.environ["SGAN_ADULT_PATH"])
    try:
        repository_root = Path(__file__).resolve().parents[1]
    except NameError:  # run interactively, e.g. pasted into a notebook
        repository_root = Path.cwd()
    return repository_root.parent / "shared" / "data" / "adult"


parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[1])
parser.add_argument(
    "--data",
    type=Path,
    default=default_data_path(),
    help="folder holding adult.data and adult.test (default: $SGAN_ADULT_PATH or "
    "../shared/data/adult relative to the repository root)",
)
# parse_known_args: sphinx-gallery and notebooks pass arguments of their own.
args, _ = parser.parse_known_args()

adult = load_adult(args.data)
X_full, X_test = adult.frame_train, adult.frame_test
# 1 for the positive class ">50K": plain integers leave -1 free to mark unlabeled rows.
y_full = (adult.target_train == ">50K").to_numpy(dtype=np.int64)
y_test = (adult.target_test == ">50K").to_numpy(dtype=np.int64)
print(f"adult.data: {X_full.shape}, adult.test: {X_test.shape}")
print(f"share of >50K: {y_full.mean():.3f} (train), {y_test.mean():.3f} (test)")
X_full.head()

# %%
# Hide most labels
# ----------------
# 300 rows of ``adult.data`` (about 1%) keep their label. To keep the run to a few minutes on a
# laptop, the models are trained on these 300 rows plus 4,700 unlabeled rows drawn from the rest;
# LabelSpreading's graph and the SGAN's epochs both grow with the number of rows.
N_LABELED = 300
N_ROWS = 5_000

rng = np.random.RandomState(0)
rows = rng.choice(len(y_full), size=N_ROWS, replace=False)
X = X_full.iloc[rows].reset_index(drop=True)
y = np.full(N_ROWS, -1)
y[:N_LABELED] = y_full[rows[:N_LABELED]]
print(f"{N_ROWS} rows, {N_LABELED} labeled ({np.bincount(y[y != -1]).tolist()} per class)")

# %%
# One preprocessing for every model
# ---------------------------------
# Missing values are imputed, categories one-hot encoded (``handle_unknown="ignore"``: a
# category seen only in the test set becomes all zeros) and numbers standardised. With
# ``set_output(transform="pandas")`` the transformer passes a DataFrame on, so the final
# estimator keeps the feature names. The SGAN gets already standardised input, hence
# ``input_scaling=None`` (its generator's samples stay inside the range of each preprocessed
# column, e.g. [0, 1] for a one-hot column).
preprocess = ColumnTransformer(
    [
        (
            "numeric",
            make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
            adult.numeric_features,
        ),
        (
            "categorical",
            make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            ),
            adult.categorical_features,
        ),
    ]
).set_output(transform="pandas")

# benchmarks/adult_seeds.py restates this split, preprocessing and SGAN: change both together.
models = {
    "SGANClassifier": SGANClassifier(
        hidden_layer_sizes=(100, 100),
        generator_layer_sizes=(100,),
        generator__latent_dim=32,
        max_epochs=10,
        batch_size=100,
        input_scaling=None,
        # input_noise stays at its default, "auto". Choosing it from the test rows would
        # leak them; cross-validation on the labeled rows is the honest way to tune it.
        # Networks this small run no faster on several threads, and one thread leaves the
        # other cores free for the other models.
        n_threads=1,
        random_state=0,
    ),
    "LabelSpreading (knn)": LabelSpreading(kernel="knn", n_neighbors=10),
    "SelfTraining (LogReg)": SelfTrainingClassifier(LogisticRegression(max_iter=1000)),
    # max_iter=0: no pseudo-labelling, so a plain supervised fit on the labeled rows only.
    "LogReg, labeled only": SelfTrainingClassifier(LogisticRegression(max_iter=1000), max_iter=0),
}
pipelines = {
    name: Pipeline([("preprocess", clone(preprocess)), ("model", model)])
    for name, model in models.items()
}
pipelines["SGANClassifier"]

# %%
# Cross-validation on the labeled rows
# ------------------------------------
# Each of the 3 test folds holds 100 labeled rows; the unlabeled rows are always trained on.
# ``labeled_scorer`` would also drop unlabeled rows from any other splitter's folds.
METRICS = ["accuracy", "roc_auc", "f1_macro"]
cv = SemiSupervisedStratifiedKFold(n_splits=3, shuffle=True, random_state=0)
scoring = {metric: labeled_scorer(metric) for metric in METRICS}

rows_of_table = []
fitted_pipelines = {}
for name, pipeline in pipelines.items():
    start = time.perf_counter()
    cv_results = cross_validate(pipeline, X, y, cv=cv, scoring=scoring)
    cv_seconds = time.perf_counter() - start

    start = time.perf_counter()
    fitted = fitted_pipelines[name] = clone(pipeline).fit(X, y)
    fit_seconds = time.perf_counter() - start
    row = {"model": name}
    for metric in METRICS:
        scores = cv_results[f"test_{metric}"]
        row[f"cv {metric}"] = f"{scores.mean():.3f} ± {scores.std():.3f}"
    for metric in METRICS:
        row[f"test {metric}"] = f"{get_scorer(metric)(fitted, X_test, y_test):.3f}"
    row["cv time (s)"] = f"{cv_seconds:.0f}"
    row["fit time (s)"] = f"{fit_seconds:.0f}"
    rows_of_table.append(row)
    print(f"{name}: done in {cv_seconds + fit_seconds:.0f} s", flush=True)

# %%
# Results
# -------
# "cv" columns: mean ± standard deviation over the 3 folds of 100 labeled rows each. "test"
# columns: the model fitted on all 5,000 rows, scored on all of ``adult.test``.
table = pd.DataFrame(rows_of_table).set_index("model")
with pd.option_context("display.width", 200, "display.max_columns", None):
    print(table)

# %%
# The fitted SGAN saw the one-hot encoded columns by name:
sgan = fitted_pipelines["SGANClassifier"][-1]
print(sgan.n_features_in_, "features:", sgan.feature_names_in_[:8].tolist(), "...")
