"""
=============================================
Reading the training curves in ``history_``
=============================================

:class:`~sgan_sklearn.SGANClassifier` records its losses at every step and averages
them per epoch in ``history_`` (a skorch ``History``). This example fits the digits
with 5 labels per class, one epoch at a time with ``warm_start=True`` so that the
held-out accuracy can be scored after each epoch, and plots every recorded quantity:

* ``train_loss``: the discriminator's loss, the sum of
* ``supervised_loss``: cross-entropy on the labeled rows, and
* ``unsupervised_loss``: the real-vs-fake loss on unlabeled and generated rows;
* ``generator_loss``: the feature-matching loss of the generator;
* ``generator_steps``: generator steps per training step (1, or 3 while the
  generator catches up);
* ``labeled_accuracy``: accuracy on the labeled training batches.

The fit runs 15 epochs of 100 steps, half the default budget, to keep the example
short.
"""

# %%
# Fit one epoch at a time
# -----------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from sgan_sklearn import SGANClassifier
from sgan_sklearn.plotting import plot_history

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
rng = np.random.default_rng(0)
y_partial = np.full_like(y_train, -1)
for label in np.unique(y_train):
    keep = rng.choice(np.flatnonzero(y_train == label), size=5, replace=False)
    y_partial[keep] = label

clf = SGANClassifier(max_epochs=1, warm_start=True, random_state=0)
test_accuracy = []
for _ in range(15):
    clf.fit(X_train, y_partial)  # continues from the current weights
    test_accuracy.append(clf.score(X_test, y_test))
print(f"{clf.n_iter_} epochs, test accuracy {test_accuracy[-1]:.3f}")

# %%
# The curves
# ----------
# :func:`~sgan_sklearn.plotting.plot_history` draws the losses on one axes and
# ``labeled_accuracy`` and ``generator_steps`` on one each; the held-out accuracy
# goes next to the training one.
axes = plot_history(clf)
axes[1].plot(clf.history_[:, "epoch"], test_accuracy, label="held-out accuracy")
axes[1].set_title("accuracy")
axes[1].set_ylim(0, 1.02)
axes[1].legend(fontsize=8)
axes[2].set_ylim(0.9, 3.1)
plt.show()

# %%
# What a healthy fit looks like
# -----------------------------
# The supervised loss falls towards 0 within a few epochs: the labeled rows are
# learned quickly (``labeled_accuracy`` near 1), and from then on the held-out
# accuracy climbs because of the unlabeled rows. The real-vs-fake loss stays well
# above 0 and the feature-matching loss stays bounded: neither network wins the
# game, which is what keeps the unlabeled rows informative.
#
# Two patterns to look for in your own fits (``verbose=1`` prints the same columns
# every epoch):
#
# * **a stalled start**: ``unsupervised_loss`` near 0 (below
#   ``train__catch_up_threshold``, 0.05) and ``generator_steps`` above 1 for several epochs
#   while the held-out accuracy sits at the labeled-only level. The discriminator
#   tells generated rows from real ones too easily; catch-up steps usually end this
#   within a few epochs. If they do not, raise ``train__catch_up_steps`` or
#   ``generator_optimizer__lr``.
# * **a collapse**: later in a fit, ``unsupervised_loss`` falls to 0 and stays
#   there, ``generator_steps`` sits at 3 on every step and ``generator_loss`` climbs
#   several-fold while accuracy falls back. Use the model from before the collapse
#   (``skorch.callbacks.Checkpoint``, or fewer ``max_epochs``) and try a smaller
#   generator (``generator_layer_sizes``) or lower learning rates.
#
# The user guide's troubleshooting section lists these and the other remedies.
