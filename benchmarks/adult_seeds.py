r"""Adult with 300 labels: the example's SGAN pipeline over several seeds and budgets.

Same data, label draw and preprocessing as ``examples/plot_adult_semi_supervised.py``
(5,000 rows of ``adult.data`` drawn with seed 0, 300 of them labeled); the SGAN is
refitted with each ``random_state`` and each ``max_epochs`` and scored on all of
``adult.test``. It separates the seed-to-seed spread from the effect of a setting.

The example is a self-contained gallery script (it runs on import), so its split,
preprocessing and SGAN parameters are restated here: change both together.

Run from the repository root::

    python -m benchmarks.adult_seeds --seeds 0 1 2 --epochs 10 30
    python -m benchmarks.adult_seeds --epochs 10 --tag no_gan --param unsupervised_weight=0.0
    python -m benchmarks.adult_seeds --epochs 10 --tag cv_noise \
        --cv-grid input_noise 0.3 0.6 1.0 1.5

Writes ``benchmarks/results/adult_seeds[_<tag>].json`` and prints one line per fit. With
``--cv-grid NAME V1 V2 ...`` each fit is a ``GridSearchCV`` over that SGAN parameter, scored
as the example scores its models (``SemiSupervisedStratifiedKFold(3, shuffle=True,
random_state=0)`` and ``labeled_scorer("accuracy")``): it shows whether cross-validation on
the 300 labeled rows picks the value that scores best on ``adult.test``.
"""

import argparse
import ast
import time

import numpy as np
import torch
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from benchmarks._common import (
    DEFAULT_ADULT_PATH,
    RESULTS_DIR,
    machine_description,
    write_json,
)
from benchmarks._datasets import load_adult
from sgan_sklearn import SGANClassifier
from sgan_sklearn.model_selection import SemiSupervisedStratifiedKFold, labeled_scorer

N_LABELED, N_ROWS = 300, 5_000


def example_split(adult):
    """The example's rows: 5,000 drawn with seed 0, the first 300 labeled."""
    y_full = (adult.target_train == ">50K").to_numpy(dtype=np.int64)
    rows = np.random.RandomState(0).choice(len(y_full), size=N_ROWS, replace=False)
    X = adult.frame_train.iloc[rows].reset_index(drop=True)
    y = np.full(N_ROWS, -1)
    y[:N_LABELED] = y_full[rows[:N_LABELED]]
    y_test = (adult.target_test == ">50K").to_numpy(dtype=np.int64)
    return X, y, adult.frame_test, y_test


def example_preprocessing(adult):
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, adult.numeric_features),
            ("categorical", categorical, adult.categorical_features),
        ]
    ).set_output(transform="pandas")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_ADULT_PATH, help="folder of the Adult files")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--tag", default="", help="suffix of the results file")
    parser.add_argument(
        "--param", nargs="*", default=[], help="SGANClassifier overrides, e.g. hidden_noise=0.3"
    )
    parser.add_argument(
        "--cv-grid",
        nargs="+",
        metavar=("NAME", "VALUE"),
        help="choose this SGAN parameter among the values by cross-validation on the labeled rows",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    adult = load_adult(args.data)
    X, y, X_test, y_test = example_split(adult)
    preprocessing = example_preprocessing(adult)
    overrides = {k: ast.literal_eval(v) for k, v in (p.split("=", 1) for p in args.param)}
    rows = []
    for epochs in args.epochs:
        for seed in args.seeds:
            # The example's SGAN, with max_epochs and random_state varied.
            model = SGANClassifier(
                hidden_layer_sizes=(100, 100),
                generator_layer_sizes=(100,),
                generator__latent_dim=32,
                max_epochs=epochs,
                batch_size=100,
                input_scaling=None,
                n_threads=1,
                random_state=seed,
            ).set_params(**overrides)
            pipeline = Pipeline([("preprocess", clone(preprocessing)), ("model", model)])
            extra = {}
            if args.cv_grid:
                name, *values = args.cv_grid
                pipeline = GridSearchCV(
                    pipeline,
                    {f"model__{name}": [ast.literal_eval(v) for v in values]},
                    cv=SemiSupervisedStratifiedKFold(n_splits=3, shuffle=True, random_state=0),
                    scoring=labeled_scorer("accuracy"),
                )
            start = time.perf_counter()
            pipeline.fit(X, y)
            seconds = time.perf_counter() - start
            if args.cv_grid:
                extra = {
                    "cv_mean_accuracy": dict(
                        zip(values, pipeline.cv_results_["mean_test_score"].tolist())
                    ),
                    "chosen": pipeline.best_params_[f"model__{name}"],
                }
            accuracy = float(pipeline.score(X_test, y_test))
            auc = float(roc_auc_score(y_test, pipeline.predict_proba(X_test)[:, 1]))
            rows.append(
                {
                    "max_epochs": epochs,
                    "seed": seed,
                    "accuracy": accuracy,
                    "roc_auc": auc,
                    "fit_s": seconds,
                    **extra,
                }
            )
            print(
                f"max_epochs {epochs:3d}  seed {seed}  test accuracy {accuracy:.4f}  "
                f"roc_auc {auc:.4f}  fit {seconds:5.1f}s  {extra or ''}",
                flush=True,
            )
    name = f"adult_seeds_{args.tag}.json" if args.tag else "adult_seeds.json"
    payload = {
        "machine": machine_description(),
        "params": args.param,
        "cv_grid": args.cv_grid,
        "rows": rows,
    }
    write_json(payload, RESULTS_DIR / name)


if __name__ == "__main__":
    main()
