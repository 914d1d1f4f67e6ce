"""
=========================================
How a semi-supervised GAN is put together
=========================================

A diagram of what :class:`~sgan_sklearn.SGANClassifier` trains: a generator turns
random noise into fake rows, and a discriminator with N+1 outputs (the N classes of
the data plus "fake") learns from three kinds of rows at once. The discriminator is
the classifier that ``predict`` uses; the generator only exists to teach it what the
data does *not* look like.

The figure is drawn with matplotlib only; nothing is trained here.
"""

# %%
# The three streams of rows
# -------------------------
# * **labeled rows** (``y != -1``) train the N class outputs with cross-entropy;
# * **unlabeled rows** (``y == -1``, and the labeled ones too) only have to be called
#   *real*: any of the N classes, not "fake";
# * **generated rows** ``G(z)`` have to be called *fake*; the generator in turn is
#   trained to make rows whose discriminator features match those of real rows
#   (feature matching).
#
# The "fake" output is not a free parameter: its logit is fixed at 0, so the N class
# logits ``l`` give both ``P(class | x, real) = softmax(l)``, which is what
# ``predict_proba`` returns, and ``P(real | x) = Z / (Z + 1)`` with ``Z = sum(exp(l))``.
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

fig, ax = plt.subplots(figsize=(10, 5.2))
ax.set_xlim(0, 10)
ax.set_ylim(0, 5.6)
ax.axis("off")


def box(x, y, width, height, text, color, fontsize=10, weight="normal"):
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            width,
            height,
            boxstyle="round,pad=0.05,rounding_size=0.12",
            facecolor=color,
            edgecolor="0.25",
            linewidth=1.2,
        )
    )
    ax.text(
        x + width / 2,
        y + height / 2,
        text,
        ha="center",
        va="center",
        fontsize=fontsize,
        weight=weight,
    )


def arrow(start, end, text=None, offset=(0, 0.15)):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=14, linewidth=1.3, color="0.25"
        )
    )
    if text:
        ax.text(
            (start[0] + end[0]) / 2 + offset[0],
            (start[1] + end[1]) / 2 + offset[1],
            text,
            ha="center",
            va="bottom",
            fontsize=8.5,
            color="0.2",
        )


# Inputs
box(0.1, 4.3, 1.9, 0.8, "labeled rows\n$x$, $y \\in \\{1..N\\}$", "#cfe3f7")
box(0.1, 2.9, 1.9, 0.8, "unlabeled rows\n$x$, $y = -1$", "#dcecd3")
box(0.1, 0.5, 1.9, 0.8, "noise $z$\n(uniform)", "#eeeeee")
box(2.6, 0.5, 1.9, 0.8, "generator $G$\nMLP, batch norm", "#f9d9b8", weight="bold")

# Discriminator
box(
    5.0,
    1.6,
    1.9,
    3.0,
    "discriminator $D$\nMLP with\nweight norm\nand Gaussian\nnoise",
    "#f4c7c3",
    weight="bold",
)

# Outputs
ax.text(8.35, 5.15, "N + 1 outputs", ha="center", fontsize=10, weight="bold")
for i, (label, color) in enumerate(
    [
        ("class 1", "#cfe3f7"),
        ("class 2", "#cfe3f7"),
        ("...", "#ffffff"),
        ("class N", "#cfe3f7"),
        ("fake (logit = 0)", "#f9d9b8"),
    ]
):
    box(7.4, 4.3 - i * 0.75, 1.9, 0.55, label, color, fontsize=9)

arrow((2.0, 4.7), (5.0, 4.1), "supervised loss:\ncross-entropy over N classes")
arrow((2.0, 3.3), (5.0, 3.1), "real: not fake")
arrow((2.0, 0.9), (2.6, 0.9))
arrow((4.5, 0.9), (5.0, 1.9), "fake rows $G(z)$", offset=(0.75, -0.45))
arrow((6.9, 3.1), (7.4, 3.1))
ax.annotate(
    "",
    xy=(3.55, 1.35),
    xytext=(5.0, 2.2),
    arrowprops=dict(arrowstyle="-|>", linestyle="--", color="#b0620a", linewidth=1.3),
)
ax.text(3.55, 1.75, "feature matching:\ntrains $G$", ha="center", fontsize=8.5, color="#b0620a")
ax.text(
    8.35,
    0.25,
    "predict_proba = softmax over\nthe N class outputs",
    ha="center",
    fontsize=9,
    style="italic",
)
ax.set_title("Semi-supervised GAN: generator, discriminator and N+1 outputs", fontsize=12)
fig.tight_layout()
plt.show()

# %%
# What each part costs and buys
# -----------------------------
# The discriminator alone, trained on the labeled rows, is an ordinary neural network
# classifier that over-fits a few labels. The unlabeled rows add a second task, "real
# or fake?", that shapes the same hidden layers on every row; the generator keeps that
# task hard by producing rows near the data. The :ref:`user guide <user_guide>` says
# how to set the parameters of both networks.
