"""Callback adaptation: skorch callbacks cloned for a fit and told about the GAN."""

from sklearn.base import clone
from skorch.callbacks import Callback, Checkpoint, EarlyStopping, LRScheduler, ProgressBar
from skorch.callbacks.scoring import ScoringBase

from .plotting import SampleGrid


def check_callback(callback, learning_rate_schedule):
    """Refuse the skorch callbacks that would do nothing or the wrong thing here."""
    if not isinstance(callback, Callback):
        raise ValueError(
            f"callbacks must hold skorch callbacks (skorch.callbacks.Callback), got {callback!r}."
        )
    kind = type(callback).__name__
    if isinstance(callback, ScoringBase):
        raise ValueError(
            f"callbacks holds a {kind}, which SGANClassifier cannot run: training has no "
            "validation split, and a scorer on the training rows would score the "
            "unlabeled ones. Score a held-out labeled set between fits instead "
            "(warm_start=True with max_epochs=1 in a loop), or use cross_val_score "
            "with sgan_sklearn.model_selection.labeled_scorer."
        )
    if isinstance(callback, EarlyStopping) and callback.load_best:
        raise ValueError(
            "callbacks holds an EarlyStopping with load_best=True, which would restore "
            "only the training discriminator, not the averaged weights that predict "
            "(discriminator_) nor the generator. Use load_best=False, or a "
            "Checkpoint(load_best=True), which restores all of them."
        )
    if isinstance(callback, LRScheduler) and learning_rate_schedule != "constant":
        raise ValueError(
            f"callbacks holds an LRScheduler, but learning_rate_schedule="
            f"{learning_rate_schedule!r} also sets the learning rates at every step "
            "and would override it. Use learning_rate_schedule='constant' with an "
            "LRScheduler, or remove the LRScheduler."
        )


def _adapted_to_the_gan(callback, steps_per_epoch, estimator):
    """A cloned skorch callback, told what it cannot know about the GAN's net."""
    if isinstance(callback, SampleGrid):
        # The net knows neither the scaler nor the image shape: the grid samples
        # through the estimator being fitted.
        callback.estimator_ = estimator
    if isinstance(callback, ProgressBar) and callback.batches_per_epoch == "auto":
        # skorch counts rows / batch_size; an epoch here is steps_per_epoch steps.
        callback.batches_per_epoch = steps_per_epoch
    if isinstance(callback, Checkpoint):
        # skorch saves module_ (the training discriminator) only: also keep what
        # predicts (the average) and the generator, so that load_best=True and
        # net_.load_params(checkpoint=...) restore the whole GAN.
        files = {}
        if callback.f_params is not None:
            files.update(f_generator="generator.pt", f_average_module="average_module.pt")
        if callback.f_optimizer is not None:
            files["f_optimizer_generator"] = "optimizer_generator.pt"
        for key, filename in files.items():
            if getattr(callback, key, None) is None:
                setattr(callback, key, filename)
    return callback


def cloned_callbacks(estimator, steps_per_epoch):
    """Fresh clones of ``estimator.callbacks`` for one fit; the objects given stay as they are."""
    cloned = []
    for item in estimator.callbacks or []:
        name, callback = item if isinstance(item, tuple) else (None, item)
        check_callback(callback, estimator.learning_rate_schedule)
        callback = _adapted_to_the_gan(clone(callback), steps_per_epoch, estimator)
        cloned.append(callback if name is None else (name, callback))
    return cloned
