"""
==================================================
Digits with 5 labels per class: SGAN vs. baselines
==================================================

The main demo. ``load_digits`` (embedded in scikit-learn, nothing downloaded) is
split 70/30; of the 1,257 training images only 5 per class keep their label and
the other 1,207 are given as -1. We compare

* :class:`sgan_sklearn.SGANClassifier` with default parameters, trained on all
  training rows (labeled and unlabeled);
* :class:`~sklearn.semi_supervised.LabelSpreading`, scikit-learn's graph-based
  semi-supervised classifier, on the same rows;
* a labeled-only baseline: logistic regression on the 50 labeled rows.

Run it from the repository root with ``python examples/plot_digits_few_labels.py``.
"""

# %%
# Data: 5 labels per class, the rest unlabeled (-1)
# -------------------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import LabelSpreading

from sgan_sklearn import SGANClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
rng = np.random.default_rng(0)
y_partial = np.full_like(y_train, -1)
for label in np.unique(y_train):
    keep = rng.choice(np.flatnonzero(y_train == label), size=5, replace=False)
    y_partial[keep] = label
labeled = y_partial != -1
print(f"{labeled.sum()} labeled and {(~labeled).sum()} unlabeled training rows")

# %%
# Fit the three models and score them on the held-out 30%
# -------------------------------------------------------
# The SGAN needs no scaler: it scales its input itself. Its default budget is 30
# epochs of at least 100 training steps each, which takes about half a minute on one
# CPU core here.
models = {
    "SGANClassifier()": (SGANClassifier(random_state=0), slice(None)),
    'LabelSpreading(kernel="knn")': (LabelSpreading(kernel="knn", n_neighbors=10), slice(None)),
    "LogisticRegression, labeled rows only": (LogisticRegression(max_iter=2000), labeled),
}
accuracies = {}
print(f"{'model':40s} {'test accuracy':>13s} {'fit (s)':>8s}")
for name, (model, rows) in models.items():
    start = time.perf_counter()
    model.fit(X_train[rows], y_partial[rows])
    seconds = time.perf_counter() - start
    accuracy = accuracies[name] = model.score(X_test, y_test)
    print(f"{name:40s} {accuracy:13.3f} {seconds:8.1f}")

# %%
# Test accuracy side by side
# --------------------------
# One draw of 50 labels. How much the ranking of the SGAN and LabelSpreading moves
# from draw to draw is shown in
# :ref:`sphx_glr_auto_examples_plot_digits_label_curve.py` and on the results page.
fig, ax = plt.subplots(figsize=(7, 3))
names = list(accuracies)
ax.barh(names, [accuracies[name] for name in names], color=["#c44e52", "#4c72b0", "#8c8c8c"])
for i, name in enumerate(names):
    ax.text(
        accuracies[name] - 0.005,
        i,
        f"{accuracies[name]:.3f}",
        ha="right",
        va="center",
        color="white",
        weight="bold",
    )
ax.set_xlim(0.5, 1.0)
ax.invert_yaxis()
ax.set_xlabel("test accuracy (digits, 5 labels per class)")
fig.tight_layout()
plt.show()
