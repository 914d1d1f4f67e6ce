"""
================================================
Decision boundaries with few labels on a 2-D toy
================================================

Two interleaving half moons, 300 points, of which only 4 per class are labeled. A
classifier trained on the 8 labeled points alone draws a boundary between them; a
semi-supervised one should follow the gap between the moons that the unlabeled points
reveal. This example draws the decision regions of
:class:`~sgan_sklearn.SGANClassifier` next to those of
:class:`~sklearn.semi_supervised.LabelSpreading` and of a labeled-only
:class:`~sklearn.svm.SVC`.

The SGAN keeps its default networks but trains for ``max_epochs=10`` (500 steps)
rather than 30, which is enough for two features and keeps the example short. It is
fitted twice: with the default ``input_noise="auto"``, which reads how close together
the rows lie, and with ``input_noise=0.3``, the noise it uses on wider data.
"""

# %%
# The data: 8 labels among 300 points
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
    keep = rng.choice(np.flatnonzero(y == label), size=4, replace=False)
    y_partial[keep] = label
labeled = y_partial != -1

# %%
# Fit the models
# --------------
# The SGAN adds Gaussian noise to its (standardised) input while training. On wide data
# its standard deviation is 0.3, about as wide as the gap between the moons; the default,
# ``"auto"``, scales it down where rows lie close together, as on these two features.
models = {
    "SGAN, input_noise='auto' (default)": SGANClassifier(max_epochs=10, random_state=0),
    "SGAN, input_noise=0.3": SGANClassifier(max_epochs=10, input_noise=0.3, random_state=0),
    'LabelSpreading(kernel="rbf")': LabelSpreading(kernel="rbf", gamma=20),
}
for model in models.values():
    model.fit(X, y_partial)
models["SVC, labeled points only"] = SVC(gamma=1.0).fit(X[labeled], y_partial[labeled])
for name, model in models.items():
    print(f"{name:36s} accuracy on all 300 points: {model.score(X, y):.3f}")
print(f"input noise chosen by 'auto': {models[next(iter(models))].input_noise_:.3f}")

# %%
# Decision regions
# ----------------
# Background: the predicted class on a grid (for the SGAN and LabelSpreading the
# shade is ``predict_proba`` of class 1). Small dots: the unlabeled points, coloured
# by their true class; large outlined dots: the 8 labeled points.
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
# LabelSpreading propagates the labels over an RBF similarity graph, so its boundary
# follows the moons. The SGAN learns a boundary from the same unlabeled points
# without a graph: the unlabeled rows must be "real" and the generated ones "fake",
# which pushes the class boundary towards low-density gaps, but with 4 labels per
# class and a short fit it stays close to the boundary of the labeled-only SVC, with
# either input noise. Classes that follow thin curved manifolds in few dimensions
# are where a graph method is the better tool
# (:ref:`when-to-use`). To tune the SGAN's noise yourself, choose it by
# cross-validation on the labeled rows
# (:ref:`sphx_glr_auto_examples_plot_model_selection.py`).
