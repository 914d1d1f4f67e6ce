"""
======================================
What the generator draws: digits
======================================

:class:`~sgan_sklearn.SGANClassifier` trains a generator next to its classifier.
This example fits the 8×8 digits of ``load_digits`` with 5 labels per class, with the
default perceptrons and with the convolutional networks (``architecture="conv"``), draws
images with :meth:`~sgan_sklearn.SGANClassifier.sample` and
:func:`~sgan_sklearn.plotting.plot_samples` next to real digits, scores both with the
discriminator's novelty score :meth:`~sgan_sklearn.SGANClassifier.score_samples`, and
plots the training curves with :func:`~sgan_sklearn.plotting.plot_history`.

The fits use the default parameters on one CPU thread (about 6 s and 30 s).
"""

# %%
# Fit on all digits, 5 labels per class
# -------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from sgan_sklearn import SGANClassifier
from sgan_sklearn.plotting import plot_history, plot_samples

X, y = load_digits(return_X_y=True)
rng = np.random.default_rng(0)
y_partial = np.full_like(y, -1)
for label in np.unique(y):
    keep = rng.choice(np.flatnonzero(y == label), size=5, replace=False)
    y_partial[keep] = label

clf = SGANClassifier(n_threads=1, random_state=0).fit(X, y_partial)
# The same rows seen as 1x8x8 images by convolutional networks.
conv = SGANClassifier(architecture="conv", image_shape=(1, 8, 8), n_threads=1, random_state=0).fit(
    X, y_partial
)
unlabeled = y_partial == -1
for name, model in (("perceptrons", clf), ("conv", conv)):
    accuracy = np.mean(model.transduction_[unlabeled] == y[unlabeled])
    print(f"{name}: accuracy on the {unlabeled.sum()} unlabeled rows: {accuracy:.3f}")

# %%
# Generated and real digits
# -------------------------
# ``sample`` returns rows in the units of ``X`` (pixel values 0 to 16 here), each
# inside the range the feature has in the training data; ``plot_samples`` reshapes
# them to images and tiles them. The same ``random_state`` draws the same images.
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(10, 3.8), layout="constrained")
plot_samples(clf, 25, image_shape=(1, 8, 8), random_state=0, ax=left)
left.set_title("generated (perceptrons)")
plot_samples(conv, 25, random_state=0, ax=middle)  # image_shape from the estimator
middle.set_title('generated (architecture="conv")')

# The real digits, tiled the same way (white gaps, 0 black, 16 white).
real = X[rng.choice(len(X), size=25, replace=False)].reshape(25, 8, 8) / 16
tiles = np.pad(real, ((0, 0), (0, 1), (0, 1)), constant_values=1.0)
mosaic = tiles.reshape(5, 5, 9, 9).transpose(0, 2, 1, 3).reshape(45, 45)[:-1, :-1]
right.imshow(mosaic, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
right.set_axis_off()
right.set_title("real")
plt.show()

# %%
# The generated digits have the strokes and blank borders of real ones; some are
# clean digits, others mix the strokes of two. That is expected: the generator is
# trained by feature matching, which makes it a good opponent for the classifier
# rather than a good image model (Salimans et al., 2016), and the discriminator is
# trained to call its rows fake.
#
# The novelty score
# -----------------
# ``score_samples`` is the discriminator's ``log P(real | x)``: near 0 for rows like
# the training rows, lower for rows it takes for generated ones.
generated = clf.sample(500, random_state=1)
print(f"mean score_samples of the training digits:  {clf.score_samples(X).mean():7.3f}")
print(f"mean score_samples of 500 generated digits: {clf.score_samples(generated).mean():7.3f}")

# %%
# It is trained to tell the training rows from the generator's, not from any other
# data: rows unlike both, such as rows far outside the range of the training data,
# can score as high as training rows (an image of constant value 50 scores -0.001
# here). On MNIST, inverted digits and noise images score higher than the test
# digits (:ref:`novelty-results`): it is no outlier detector.
#
# Training curves
# ---------------
# The losses share one axes; ``labeled_accuracy`` and ``generator_steps`` (above 1
# while the generator catches up) have one each. The user guide's troubleshooting
# section says what healthy curves look like.
plot_history(clf)
plt.show()
