"""
================================================
Decision boundaries with few labels on a 2-D toy
================================================

Two interleaving half moons, 300 points, of which only one per class is labeled. A
classifier trained on the 2 labeled points alone draws a boundary between them; a
semi-supervised one should follow the gap between the moons that the unlabeled points
reveal. This example draws the decision regions of
:class:`~sgan_sklearn.SGANClassifier` next to those of
:class:`~sklearn.semi_supervised.LabelSpreading` and of a labeled-only
:class:`~sklearn.svm.SVC`.

The SGAN keeps its default networks but trains for ``max_epochs=10`` (500 steps)
rather than 30, which is enough for two features and keeps the example short. It is
fitted twice: with its defaults, and with ``train__group_labels=False``, which shows
what the network alone draws.
"""

# %%
# The data: 2 labels among 300 points
# -----------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.semi_supervised import LabelSpreading
from sklearn.svm import SVC

from sgan_sklearn import SGANClassifier

X, y = make_moons(n_samples=300, noise=0.12, random_state=0)
rng = np.random.default_rng(0)
y_partial = np.full_like(y, -1)
for label in (0, 1):
    keep = rng.choice(np.flatnonzero(y == label), size=1, replace=False)
    y_partial[keep] = label
labeled = y_partial != -1

# %%
# Fit the models
# --------------
# Before training, the SGAN looks for groups of rows with a clear gap between them (the
# nearest-neighbour graph of all rows, or of the densest nine in ten, falling apart),
# each holding labels of one class only. Here the densest rows form one group per moon,
# so every row of a group takes the class of its labels, and the sparse rows left out
# take the class of the group nearest them along the graph; ``n_labeled_by_groups_``
# says how many rows that labeled.
models = {
    "SGAN (defaults)": SGANClassifier(max_epochs=10, random_state=0),
    "SGAN, train__group_labels=False": SGANClassifier(
        max_epochs=10, train__group_labels=False, random_state=0
    ),
    'LabelSpreading(kernel="rbf")': LabelSpreading(kernel="rbf", gamma=20),
}
for model in models.values():
    model.fit(X, y_partial)
models["SVC, labeled points only"] = SVC(gamma=1.0).fit(X[labeled], y_partial[labeled])
for name, model in models.items():
    print(f"{name:36s} accuracy on all 300 points: {model.score(X, y):.3f}")
print(f"rows labeled by groups: {models['SGAN (defaults)'].n_labeled_by_groups_}")

# %%
# Decision regions
# ----------------
# Background: the predicted class on a grid (for the SGAN and LabelSpreading the
# shade is ``predict_proba`` of class 1). Small dots: the unlabeled points, coloured
# by their true class; large outlined dots: the 2 labeled points.
xx, yy = np.meshgrid(np.linspace(-1.6, 2.6, 200), np.linspace(-1.1, 1.6, 150))
grid = np.c_[xx.ravel(), yy.ravel()]
fig, axes = plt.subplots(1, 4, figsize=(15, 4.3), sharey=True)
for ax, (name, model) in zip(axes, models.items()):
    if not isinstance(model, SVC):
        shade = model.predict_proba(grid)[:, 1]
    else:
        shade = model.predict(grid).astype(float)
    ax.contourf(
        xx, yy, shade.reshape(xx.shape), levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6
    )
    ax.contour(xx, yy, shade.reshape(xx.shape), levels=[0.5], colors="k", linewidths=1)
    ax.scatter(X[~labeled, 0], X[~labeled, 1], c=y[~labeled], cmap="RdBu", s=8, edgecolors="none")
    ax.scatter(
        X[labeled, 0],
        X[labeled, 1],
        c=y[labeled],
        cmap="RdBu",
        s=90,
        edgecolors="k",
        linewidths=1.5,
    )
    ax.set_title(f"{name}\naccuracy {model.score(X, y):.3f}", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %%
# The SGAN with its defaults follows the moons: the group labels give it the rows of
# each moon, and the network draws its boundary through the gap. The network alone learns a boundary
# from the same unlabeled points without a graph: the unlabeled rows must be "real" and
# the generated ones "fake", which pushes the class boundary towards low-density gaps,
# but with one label per class it has little to go on and its boundary leans towards
# the labeled-only SVC's. LabelSpreading, with one label per moon, cuts across both
# moons much as the SVC does. Where the classes' rows touch, no groups form
# and the network alone decides: classes on thin curves that touch are where results
# vary most from fit to fit (:ref:`when-to-use`).
