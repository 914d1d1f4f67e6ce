"""
==============================================
Model selection with unlabeled rows in ``y``
==============================================

scikit-learn's splitters and scorers do not know that -1 marks an unlabeled row: a
plain ``cross_val_score`` puts unlabeled rows into the test folds and counts every
prediction on them as wrong. :mod:`sgan_sklearn.model_selection` fixes both sides:

* :class:`~sgan_sklearn.model_selection.SemiSupervisedStratifiedKFold` tests on
  labeled rows only and keeps every unlabeled row in every training fold;
* :func:`~sgan_sklearn.model_selection.labeled_scorer` makes any scorer skip the
  unlabeled rows of whatever fold it is given.

Both work for any estimator that follows the -1 convention. This example first shows
the problem with :class:`~sklearn.semi_supervised.LabelSpreading` (fast), then tunes
``input_noise`` of :class:`~sgan_sklearn.SGANClassifier` with ``GridSearchCV``.
"""

# %%
# Digits with 10% of the labels
# -----------------------------
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.semi_supervised import LabelSpreading

from sgan_sklearn import SGANClassifier
from sgan_sklearn.model_selection import SemiSupervisedStratifiedKFold, labeled_scorer

X, y = load_digits(return_X_y=True)
rng = np.random.RandomState(42)
y_semi = np.full_like(y, -1)
labeled = rng.choice(len(y), size=len(y) // 10, replace=False)
y_semi[labeled] = y[labeled]
print(f"{(y_semi != -1).sum()} labeled rows, {(y_semi == -1).sum()} unlabeled")

# %%
# Three ways to cross-validate the same model
# -------------------------------------------
model = LabelSpreading(kernel="knn", n_neighbors=10)
ways = {
    "KFold, accuracy (unlabeled rows scored)": cross_val_score(
        model, X, y_semi, cv=KFold(3, shuffle=True, random_state=0), scoring="accuracy"
    ),
    "KFold, labeled_scorer": cross_val_score(
        model,
        X,
        y_semi,
        cv=KFold(3, shuffle=True, random_state=0),
        scoring=labeled_scorer("accuracy"),
    ),
    "SemiSupervisedStratifiedKFold": cross_val_score(
        model,
        X,
        y_semi,
        cv=SemiSupervisedStratifiedKFold(3, shuffle=True, random_state=0),
        scoring="accuracy",
    ),
}
for name, scores in ways.items():
    print(f"{name:40s} {scores.mean():.3f} +/- {scores.std():.3f}")

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(
    [textwrap.fill(name, 20) for name in ways],
    [s.mean() for s in ways.values()],
    yerr=[s.std() for s in ways.values()],
    color=["#8c8c8c", "#4c72b0", "#4c72b0"],
    capsize=4,
)
ax.set_ylabel("cross-validated accuracy")
ax.set_ylim(0, 1)
ax.set_title("LabelSpreading on digits, 10% labels")
fig.tight_layout()
plt.show()

# %%
# The first score is about ten times too low: with 10% labels, nine test rows in ten
# carry the label -1, which the model never predicts. The other two agree with each
# other; the splitter also gives every class its share of each test fold.
#
# Tuning an SGAN parameter
# ------------------------
# ``input_noise``, the standard deviation of the Gaussian noise on the scaled input,
# is the SGAN's main regulariser and the parameter most worth tuning on new data. The
# search below is kept under a minute by fitting small networks for 500 steps
# (``hidden_layer_sizes=(100, 100)``, ``generator_layer_sizes=(100,)``,
# ``max_epochs=5``); with your own data, tune the defaults. ``n_threads=1`` lets
# ``GridSearchCV(n_jobs=...)`` run fits side by side without fighting over cores.
search = GridSearchCV(
    SGANClassifier(
        hidden_layer_sizes=(100, 100),
        generator_layer_sizes=(100,),
        max_epochs=5,
        n_threads=1,
        random_state=0,
    ),
    {"input_noise": [0.1, 0.3, 1.0]},
    cv=SemiSupervisedStratifiedKFold(3, shuffle=True, random_state=0),
    scoring=labeled_scorer("accuracy"),
)
search.fit(X, y_semi)
print("best:", search.best_params_, f"cv accuracy {search.best_score_:.3f}")

noise = search.cv_results_["param_input_noise"].data.astype(float)
mean = search.cv_results_["mean_test_score"]
std = search.cv_results_["std_test_score"]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.errorbar(noise, mean, yerr=std, fmt="o-", capsize=4, color="#c44e52")
ax.set_xscale("log")
ax.set_xticks(noise, [f"{value:g}" for value in noise])
ax.set_xlabel("input_noise")
ax.set_ylabel("cv accuracy (labeled test rows)")
ax.set_title("GridSearchCV with SemiSupervisedStratifiedKFold")
fig.tight_layout()
plt.show()

# %%
# Each test fold holds about 60 labeled rows, so one fold's accuracy is uncertain by
# a few points: prefer a clear winner over a small difference, and more folds or
# repeated splits when labels are this scarce.
