"""skorch callbacks a user would try: each works, or is refused with the reason."""

import numpy as np
import pytest
import torch
from skorch.callbacks import (
    BatchScoring,
    Callback,
    Checkpoint,
    EarlyStopping,
    EpochScoring,
    GradientNormClipping,
    LRScheduler,
    ProgressBar,
)

from sgan_sklearn import SGANClassifier
from tests._helpers import SMALL


class RecordGradientNorms(Callback):
    """Norm of the discriminator's gradients each time they are computed."""

    def initialize(self):
        self.norms_ = []
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad for _, p in named_parameters if p.grad is not None]
        self.norms_.append(float(torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))))


@pytest.mark.parametrize("max_norm", [None, 1e-3])
def test_gradient_norm_clipping_clips_the_discriminator_gradients(blobs, max_norm):
    X, y = blobs
    callbacks = [("norms", RecordGradientNorms())]
    if max_norm is not None:
        callbacks.insert(0, GradientNormClipping(gradient_clip_value=max_norm))
    clf = SGANClassifier(**SMALL, callbacks=callbacks, random_state=0).fit(X, y)
    norms = np.array(dict(clf.net_.callbacks_)["norms"].norms_)
    assert len(norms) == SMALL["max_epochs"] * SMALL["train__min_steps_per_epoch"]
    if max_norm is None:
        assert norms.max() > 1e-2  # so that clipping at 1e-3 has something to do
    else:
        assert norms.max() <= max_norm * (1 + 1e-4)


def test_early_stopping_stops_training(blobs):
    X, y = blobs
    clf = SGANClassifier(
        **{**SMALL, "max_epochs": 50},
        callbacks=[EarlyStopping(monitor="train_loss", patience=1, threshold=10.0)],
        random_state=0,
    ).fit(X, y)
    assert clf.termination_condition_ == "early_stopping"
    assert clf.n_iter_ < 50


def test_early_stopping_with_load_best_is_refused(blobs):
    X, y = blobs
    callbacks = [EarlyStopping(monitor="train_loss", load_best=True)]
    with pytest.raises(ValueError, match="load_best=True.*averaged weights"):
        SGANClassifier(**SMALL, callbacks=callbacks).fit(X, y)


def test_checkpoint_saves_and_restores_the_whole_gan(blobs, tmp_path):
    X, y = blobs
    # Checkpoint only after the first epoch, and load it back at the end.
    checkpoint = Checkpoint(
        monitor=lambda net: len(net.history) == 1, dirname=str(tmp_path), load_best=True
    )
    clf = SGANClassifier(**SMALL, callbacks=[checkpoint], random_state=0).fit(X, y)
    saved = {p.name for p in tmp_path.iterdir()}
    assert {"params.pt", "average_module.pt", "generator.pt", "optimizer_generator.pt"} <= saved
    # The whole state, history included, is back at epoch 1; what predicts (the
    # averaged weights) too: a CPU fit is deterministic, so a one-epoch fit with
    # the same seed predicts the same.
    assert clf.n_iter_ == len(clf.history_) == 1
    one_epoch = SGANClassifier(**{**SMALL, "max_epochs": 1}, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), one_epoch.predict_proba(X))
    assert checkpoint.load_best and not hasattr(checkpoint, "f_generator")


def test_lr_scheduler_drives_the_discriminator_learning_rate(blobs):
    X, y = blobs
    clf = SGANClassifier(
        **SMALL,
        callbacks=[LRScheduler(policy="StepLR", step_size=1, gamma=0.5)],
        random_state=0,
    ).fit(X, y)
    learning_rate = clf.net_.optimizer_.param_groups[0]["lr"]
    assert learning_rate == pytest.approx(clf.learning_rate * 0.5 ** SMALL["max_epochs"])


def test_lr_scheduler_with_linear_decay_is_refused(blobs):
    X, y = blobs
    callbacks = [LRScheduler(policy="StepLR", step_size=1)]
    with pytest.raises(ValueError, match="learning_rate_schedule='linear_decay'.*override"):
        SGANClassifier(**SMALL, callbacks=callbacks, learning_rate_schedule="linear_decay").fit(
            X, y
        )


@pytest.mark.parametrize("progress", ["callback", "verbose=2"])
def test_progress_bar_counts_the_steps_of_an_epoch(blobs, capsys, progress):
    X, y = blobs
    params = {"callbacks": [ProgressBar()]} if progress == "callback" else {"verbose": 2}
    SGANClassifier(**SMALL, **params, random_state=0).fit(X, y)
    err = capsys.readouterr().err
    # 60 rows in batches of 20 would be 3 batches; an epoch is min_steps_per_epoch steps.
    assert f"/{SMALL['train__min_steps_per_epoch']} [" in err
    assert "/3 [" not in err


@pytest.mark.parametrize(
    "scoring",
    [EpochScoring("accuracy"), EpochScoring("accuracy", on_train=True), BatchScoring("accuracy")],
)
def test_scoring_callbacks_are_refused(blobs, scoring):
    X, y = blobs
    with pytest.raises(ValueError, match="no validation split.*labeled_scorer"):
        SGANClassifier(**SMALL, callbacks=[scoring]).fit(X, y)


def test_bad_callback_is_a_clear_error(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="skorch callbacks"):
        SGANClassifier(**SMALL, callbacks=["not a callback"]).fit(X, y)
