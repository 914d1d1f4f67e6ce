"""Training plumbing: a private skorch ``NeuralNet`` that trains the GAN.

skorch provides the loop, history, callbacks, progress bar, device moves,
checkpoints and CUDA-to-CPU unpickling; this module adds what a GAN needs on
top: a second module and optimizer (the generator), a batch iterator that pairs
every unlabeled batch with a cycled labeled batch, the two-player train step,
an exponential moving average of the discriminator for prediction, and a
snapshot of the last completed epoch that survives divergence and interruption.
"""

import copy
import math

import numpy as np
import torch
from scipy import sparse
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, EpochTimer, PassthroughScoring, PrintLog, ProgressBar
from skorch.utils import TeeGenerator
from torch.nn import functional as F

from ._auto import N_NEIGHBORS, nearest_rows
from ._modules import Discriminator, ExponentialAverage, feature_matching_loss


class TrainingDivergedError(RuntimeError):
    """Raised inside the train loop when a loss becomes NaN, infinite or huge."""


# The discriminator's losses are cross-entropies of logits; one this large means
# logits of that size, i.e. optimisation has blown up even if the numbers are
# still finite. (The feature-matching loss is a distance between unbounded
# features, so only its finiteness is checked.)
EXPLODED_LOSS = 1e4


def rows_to_tensor(X, rows, device):
    """Float32 tensor of ``X[rows]`` for a dense array or a CSR matrix."""
    batch = X[rows]
    if sparse.issparse(batch):
        batch = batch.toarray()
    return torch.as_tensor(np.asarray(batch, dtype=np.float32), device=device)


class SemiSupervisedData(torch.utils.data.Dataset):
    """Scaled training rows and the encoded labels of the labeled ones.

    ``X`` is a float32 array or CSR matrix; ``labeled_rows`` indexes the rows
    whose label is known, and ``labels`` holds their encoded classes.
    """

    def __init__(self, X, labeled_rows, labels):
        self.X = X
        self.labeled_rows = labeled_rows
        self.labels = labels

    def __len__(self):
        return self.X.shape[0]


class _Cycler:
    """Endless stream of row indices, reshuffled at every pass."""

    def __init__(self, n_rows, rng):
        self.n_rows = n_rows
        self.rng = rng
        self.order = rng.permutation(n_rows)
        self.position = 0

    def take(self, count):
        taken = []
        while count > 0:
            if self.position == self.n_rows:
                self.order = self.rng.permutation(self.n_rows)
                self.position = 0
            chunk = self.order[self.position : self.position + count]
            self.position += len(chunk)
            count -= len(chunk)
            taken.append(chunk)
        return np.concatenate(taken)


class GANBatches:
    """One epoch of training batches.

    Each batch is ``(x_unlabeled, x_labeled, y_labeled, x_unlabeled_2,
    x_neighbors)``: an unlabeled batch drawn from all rows (labeled rows count as
    unlabeled too), a batch of labeled rows cycled so that every step sees labels
    even when there are only a handful, a second, independent batch of rows for
    the generator's feature matching, and for each row of the unlabeled batch one
    of its ``neighbors`` drawn at random (``None`` without ``neighbors``).
    """

    def __init__(self, data, batch_size, labeled_batch_size, n_steps, rng, device, neighbors=None):
        self.data = data
        self.batch_size = min(batch_size, data.X.shape[0])
        self.labeled_batch_size = min(labeled_batch_size, len(data.labeled_rows))
        self.n_steps = n_steps
        self.device = device
        self.rows = _Cycler(data.X.shape[0], rng)
        self.rows_for_generator = _Cycler(data.X.shape[0], rng)
        self.labeled = _Cycler(len(data.labeled_rows), rng)
        self.labels = torch.as_tensor(data.labels, dtype=torch.long)
        self.rng = rng
        self.neighbors = neighbors if neighbors is not None and neighbors.shape[1] else None

    def __len__(self):
        return self.n_steps

    def __iter__(self):
        X = self.data.X
        for _ in range(self.n_steps):
            labeled = self.labeled.take(self.labeled_batch_size)
            rows = self.rows.take(self.batch_size)
            x_neighbors = None
            if self.neighbors is not None:
                picks = self.rng.integers(0, self.neighbors.shape[1], len(rows))
                x_neighbors = rows_to_tensor(X, self.neighbors[rows, picks], self.device)
            yield (
                rows_to_tensor(X, rows, self.device),
                rows_to_tensor(X, self.data.labeled_rows[labeled], self.device),
                self.labels[labeled].to(self.device),
                rows_to_tensor(X, self.rows_for_generator.take(self.batch_size), self.device),
                x_neighbors,
            )


class PredictionBatches:
    """Batches of rows of ``X`` (dense or CSR) for inference."""

    def __init__(self, X, batch_size, device):
        self.X = X
        self.batch_size = batch_size
        self.device = device

    def __len__(self):
        return math.ceil(self.X.shape[0] / self.batch_size)

    def __iter__(self):
        for start in range(0, self.X.shape[0], self.batch_size):
            yield rows_to_tensor(self.X, slice(start, start + self.batch_size), self.device)


def _has_batch_norm(module):
    return any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in module.modules())


def unsupervised_loss(logits_real, logits_fake):
    """Real-vs-fake loss with the fake logit fixed at 0 (Salimans et al., 2016).

    ``log P(real | x) = lse(l) - softplus(lse(l))`` and
    ``log P(fake | x) = -softplus(lse(l))``, where ``lse`` is log-sum-exp.
    """
    lse_real = torch.logsumexp(logits_real, dim=1)
    lse_fake = torch.logsumexp(logits_fake, dim=1)
    return 0.5 * (-lse_real.mean() + F.softplus(lse_real).mean() + F.softplus(lse_fake).mean())


def neighbor_loss(logits, logits_neighbors):
    """Mean squared difference between the class probabilities of rows and their neighbours."""
    # In float32: reduced-precision probabilities would round away small differences.
    difference = logits.float().softmax(dim=1) - logits_neighbors.float().softmax(dim=1)
    return difference.square().sum(dim=1).mean()


class SGANNet(NeuralNet):
    """skorch net whose ``module_`` is the discriminator, plus a generator.

    Extra parameters (all set by :class:`~sgan_sklearn.SGANClassifier`, named as
    its settings are): ``generator__*`` (generator constructor arguments),
    ``generator_optimizer__*`` (the generator's Adam arguments, ``lr`` included),
    ``learning_rate_schedule``, ``unsupervised_weight``, ``generator_loss``,
    ``averaging_decay``, the training-loop settings of its ``train__*`` prefix
    (``labeled_batch_size``, ``catch_up_steps``, ``catch_up_threshold``,
    ``discriminator_loss``, ``generator_start``, ``initialize_with_noise``,
    ``schedule_epochs``, ``decay_start``, ``neighbor_weight``, resolved), and
    ``steps_per_epoch`` and ``seed`` (for batch order and the neighbour search).
    """

    # The generator's Adam arguments, routed as skorch routes ``optimizer__*``.
    prefixes_ = [*NeuralNet.prefixes_, "generator_optimizer"]

    def __init__(
        self,
        *args,
        generator_start,
        labeled_batch_size,
        learning_rate_schedule,
        catch_up_threshold,
        catch_up_steps,
        unsupervised_weight,
        generator_loss,
        discriminator_loss,
        averaging_decay,
        steps_per_epoch,
        seed,
        schedule_epochs=None,
        decay_start=0.5,
        initialize_with_noise=False,
        neighbor_weight=0.0,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.generator_start = generator_start
        self.labeled_batch_size = labeled_batch_size
        self.learning_rate_schedule = learning_rate_schedule
        self.schedule_epochs = schedule_epochs
        self.decay_start = decay_start
        self.initialize_with_noise = initialize_with_noise
        self.neighbor_weight = neighbor_weight
        self.catch_up_threshold = catch_up_threshold
        self.catch_up_steps = catch_up_steps
        self.unsupervised_weight = unsupervised_weight
        self.generator_loss = generator_loss
        self.discriminator_loss = discriminator_loss
        self.averaging_decay = averaging_decay
        self.steps_per_epoch = steps_per_epoch
        self.seed = seed

    @property
    def _default_callbacks(self):
        callbacks = [("epoch_timer", EpochTimer())]
        for name, lower_is_better in [
            ("train_loss", True),
            ("supervised_loss", True),
            ("unsupervised_loss", True),
            ("generator_loss", True),
            ("generator_steps", True),
            ("labeled_accuracy", False),
        ]:
            scoring = PassthroughScoring(name=name, on_train=True, lower_is_better=lower_is_better)
            callbacks.append((name, scoring))
        callbacks.append(("print_log", PrintLog()))
        if self.verbose >= 2:
            callbacks.append(("progress_bar", ProgressBar(batches_per_epoch=self.steps_per_epoch)))
        return callbacks

    # ----- initialisation ------------------------------------------------
    def initialize_module(self):
        super().initialize_module()
        generator = self.generator
        if not isinstance(generator, torch.nn.Module):
            generator = generator(**self.get_params_for("generator"))
        self.generator_ = generator
        self.average_module_ = ExponentialAverage(self.module_, self.averaging_decay)
        # Known once per network: the train step branches on it at every step.
        self.discriminator_has_batch_norm_ = _has_batch_norm(self.module_)
        self.needs_data_init_ = True
        self.steps_in_fit_ = self.steps_done_ = 0
        return self

    def initialize_optimizer(self, *args, **kwargs):
        # Two optimizers, never one shared: each player updates only its own weights.
        named = list(self.module_.named_parameters())
        args_, kwargs_ = self.get_params_for_optimizer("optimizer", named)
        self.optimizer_ = self.optimizer(*args_, **kwargs_)
        named = list(self.generator_.named_parameters())
        args_, kwargs_ = self.get_params_for_optimizer("optimizer", named)
        kwargs_.update(self.get_params_for("generator_optimizer"))
        self.optimizer_generator_ = self.optimizer(*args_, **kwargs_)
        return self

    def get_all_learnable_params(self):
        return self.module_.named_parameters()

    def noise(self, n_samples):
        """Generator input for ``n_samples`` rows: its own ``sample_noise``, or uniform noise."""
        sample = getattr(self.generator_, "sample_noise", None)
        if sample is not None:
            return sample(n_samples, self.device)
        return torch.rand(n_samples, self.generator_.latent_dim, device=self.device)

    # ----- data ----------------------------------------------------------
    def get_dataset(self, X, y=None):
        return X

    def get_iterator(self, dataset, training=False):
        if training:
            return GANBatches(
                dataset,
                self.batch_size,
                self.labeled_batch_size,
                self.steps_per_epoch,
                self.batch_rng_,
                self.device,
                self.neighbors_,
            )
        return PredictionBatches(dataset, max(self.batch_size, 1024), self.device)

    # ----- training ------------------------------------------------------
    def on_train_begin(self, net, X=None, y=None, **kwargs):
        if not hasattr(self, "batch_rng_"):
            self.batch_rng_ = np.random.default_rng(self.seed)
        if self.needs_data_init_:
            self._initialize_from_data(X)
        # Found for every fit: a continued fit may bring other rows.
        self.neighbors_ = (
            nearest_rows(X.X, N_NEIGHBORS, self.seed) if self.neighbor_weight else None
        )
        self._take_snapshot()

    def _initialize_from_data(self, data):
        rows = self.batch_rng_.choice(data.X.shape[0], min(500, data.X.shape[0]), replace=False)
        x = rows_to_tensor(data.X, np.sort(rows), self.device)
        # Data-dependent initialisation, for the networks that have one.
        if hasattr(self.module_, "initialize_from"):
            if self.initialize_with_noise:
                self.module_.initialize_from(x, with_noise=True)
            else:
                self.module_.initialize_from(x)
        if hasattr(self.generator_, "initialize_from"):
            self.generator_.initialize_from(x, start=self.generator_start)
        # The average starts from the initialised weights, never from zeros.
        self.average_module_.update_parameters(self.module_)
        self.needs_data_init_ = False

    def on_train_end(self, net, **kwargs):
        # Found again by the next fit; not kept in pickles and model files.
        self.neighbors_ = None

    def on_epoch_end(self, net, **kwargs):
        self._take_snapshot()

    def _take_snapshot(self):
        self.snapshot_ = {
            name: copy.deepcopy(getattr(self, name).state_dict())
            for name in ("module_", "generator_", "average_module_")
        }

    def restore_snapshot(self):
        """Load the weights of the last completed epoch."""
        for name, state in self.snapshot_.items():
            getattr(self, name).load_state_dict(state)

    def _apply_lr_schedule(self):
        """Set both learning rates for the next step of this fit call."""
        if self.learning_rate_schedule == "constant":
            return
        progress = self.steps_done_ / max(self.steps_in_fit_, 1)
        # Constant up to decay_start of the schedule, then linearly to 0 at its end.
        factor = min(1.0, (1.0 - progress) / (1.0 - self.decay_start))
        for optimizer, base in (
            (self.optimizer_, self.lr),
            (self.optimizer_generator_, self.generator_optimizer__lr),
        ):
            for group in optimizer.param_groups:
                group["lr"] = base * factor

    def train_step(self, batch, **fit_params):
        self._apply_lr_schedule()
        self.steps_done_ += 1
        x_unlabeled, x_labeled, y_labeled, x_unlabeled_2, x_neighbors = batch
        self.module_.train()
        self.generator_.train()
        n_fake = len(x_unlabeled)

        # Discriminator step: labeled cross-entropy + real-vs-fake (+ neighbours).
        with torch.no_grad():
            x_fake = self.generator_(self.noise(n_fake))
        neighbors = [] if x_neighbors is None else [x_neighbors]
        logits, features = self._discriminate([x_labeled, x_unlabeled, *neighbors, x_fake])
        if neighbors:
            # The neighbour rows take part in the loss through their logits only.
            logits_neighbors = logits[2]
            logits, features = logits[:2] + logits[3:], features[:2] + features[3:]
        logits_labeled, logits_real, logits_fake = logits
        if self.discriminator_loss == "keras_sgan":
            supervised, unsupervised = self._original_losses(logits, features, y_labeled)
            discriminator_loss = 0.5 * (supervised + unsupervised)
        else:
            supervised = self.criterion_(logits_labeled, y_labeled)
            unsupervised = unsupervised_loss(logits_real, logits_fake)
            discriminator_loss = supervised + self.unsupervised_weight * unsupervised
        if x_neighbors is not None:
            neighbor = neighbor_loss(logits_real, logits_neighbors)
            discriminator_loss = discriminator_loss + self.neighbor_weight * neighbor
        self.optimizer_.zero_grad(set_to_none=True)
        discriminator_loss.backward()
        # As skorch's own train step does, so that GradientNormClipping and other
        # gradient callbacks act on the discriminator's gradients before its step.
        self.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(self.get_all_learnable_params()),
            batch=batch,
            training=True,
        )
        self.optimizer_.step()
        self.average_module_.update_parameters(self.module_)

        # Generator step: the discriminator's weights get no gradient here.
        generator_loss = self._generator_step(x_unlabeled_2, n_fake)
        # Catch-up: while the discriminator tells generated rows from real ones
        # almost perfectly, its real-vs-fake term has nearly no gradient and
        # the unlabeled rows teach it nothing; extra generator steps end that phase.
        unsupervised_value = unsupervised.item()
        generator_steps = 1
        if self.catch_up_steps and unsupervised_value < self.catch_up_threshold:
            for _ in range(self.catch_up_steps):
                self._generator_step(x_unlabeled_2, n_fake)
            generator_steps += self.catch_up_steps

        values = {
            "supervised_loss": supervised.item(),
            "unsupervised_loss": unsupervised_value,
            "generator_loss": generator_loss,
            "generator_steps": generator_steps,
            "labeled_accuracy": (logits_labeled.argmax(1) == y_labeled).float().mean().item(),
        }
        cross_entropies = (values["supervised_loss"], values["unsupervised_loss"])
        if (
            not all(math.isfinite(v) for v in values.values())
            or max(cross_entropies) >= EXPLODED_LOSS
        ):
            raise TrainingDivergedError(
                f"a loss became non-finite or a cross-entropy exceeded {EXPLODED_LOSS:g} ("
                + ", ".join(f"{k}={v:.4g}" for k, v in values.items())
                + ")"
            )
        for key, value in values.items():
            self.history.record_batch(key, value)
        return {"loss": discriminator_loss.detach(), "y_pred": logits_labeled.detach()}

    def _discriminate(self, parts):
        """Class logits of each batch in ``parts``, and the generated batch's features.

        One forward pass over the concatenated batches where the discriminator
        has no batch normalisation; with batch normalisation, real and generated
        rows go through separately (as in the Keras SGAN script), so that the
        statistics of a real batch are not those of a mixed one.
        """
        sizes = [len(part) for part in parts]
        if not self.discriminator_has_batch_norm_:
            logits, features = self.module_(torch.cat(parts), return_features=True)
            return logits.split(sizes), features.split(sizes)
        logits_real, features_real = self.module_(torch.cat(parts[:-1]), return_features=True)
        logits_fake, features_fake = self.module_(parts[-1], return_features=True)
        return (
            (*logits_real.split(sizes[:-1]), logits_fake),
            (*features_real.split(sizes[:-1]), features_fake),
        )

    def _real_fake_logit(self, logits, features):
        """Logit of P(real | x) under the Keras SGAN script's loss.

        The discriminator's own real/fake head where it has one (the Keras
        script's sigmoid unit); otherwise ``lse(l)``, since ``P(real | x) =
        Z / (Z + 1)`` with the fake logit fixed at 0.
        """
        if hasattr(self.module_, "real_fake_logit"):
            return self.module_.real_fake_logit(features)
        return torch.logsumexp(logits, dim=1)

    def _original_losses(self, logits, features, y_labeled):
        """The Keras SGAN script's loss terms on labeled, unlabeled and generated rows.

        Returns the (N+1)-way cross-entropy with the script's class weights
        (N/64 for a real class, 1/64 for "fake") on labeled and generated rows,
        and the binary cross-entropy of the real/fake output on real
        (unlabeled) and generated rows, each averaged over its two batches.
        """
        logits_labeled, logits_real, logits_fake = logits
        _, features_real, features_fake = features
        n_classes = logits_labeled.shape[1]
        fake_class = torch.full((len(logits_fake),), n_classes, device=logits_fake.device)
        supervised = 0.5 * (
            n_classes / 64 * self._smoothed_cross_entropy(F.pad(logits_labeled, (0, 1)), y_labeled)
            + 1 / 64 * F.cross_entropy(F.pad(logits_fake, (0, 1)), fake_class)
        )
        real_logit = self._real_fake_logit(logits_real, features_real)
        fake_logit = self._real_fake_logit(logits_fake, features_fake)
        unsupervised = 0.5 * (F.softplus(-real_logit).mean() + F.softplus(fake_logit).mean())
        return supervised, unsupervised

    def _smoothed_cross_entropy(self, logits, y):
        """(N+1)-way cross-entropy of labeled rows, smoothed over the N real classes only.

        The criterion's ``label_smoothing`` spreads its mass over the real
        classes (never onto "fake", the last column of ``logits``), as it does
        for the N-way loss of the Improved-GAN one.
        """
        smoothing = self.criterion_.label_smoothing
        if not smoothing:
            return F.cross_entropy(logits, y)
        n_real = logits.shape[1] - 1
        target = torch.full_like(logits, smoothing / n_real)
        target[:, -1] = 0.0
        target.scatter_add_(1, y[:, None], torch.full_like(logits[:, :1], 1.0 - smoothing))
        return F.cross_entropy(logits, target)

    def _generator_step(self, x_real, n_fake):
        x_fake = self.generator_(self.noise(n_fake))
        # The discriminator is fixed during this step: its batch-norm
        # statistics, if any, are put back once the step is done.
        saved = self.discriminator_has_batch_norm_ and [b.clone() for b in self.module_.buffers()]
        if isinstance(self.module_, Discriminator):
            loss = self._mlp_generator_loss(x_real, x_fake)
        else:
            with torch.no_grad():
                _, features_real = self.module_(x_real, return_features=True)
            logits_fake, features_fake = self.module_(x_fake, return_features=True)
            if self.generator_loss == "feature_matching":
                loss = feature_matching_loss(features_real, features_fake)
            else:
                loss = self._non_saturating(logits_fake, features_fake)
        self.optimizer_generator_.zero_grad(set_to_none=True)
        # Gradients for the generator only: autograd skips the discriminator's
        # weight gradients, which this step would throw away.
        loss.backward(inputs=list(self.generator_.parameters()))
        self.optimizer_generator_.step()
        if saved:
            with torch.no_grad():
                torch._foreach_copy_(list(self.module_.buffers()), saved)
        return loss.item()

    def _non_saturating(self, logits_fake, features_fake):
        """Maximise log P(real | G(z)) (the original SGAN's generator loss)."""
        if self.discriminator_loss == "keras_sgan":
            return F.softplus(-self._real_fake_logit(logits_fake, features_fake)).mean()
        lse = torch.logsumexp(logits_fake, dim=1)
        return (F.softplus(lse) - lse).mean()

    def _mlp_generator_loss(self, x_real, x_fake):
        # The discriminator is fixed during this step: its hidden weights are
        # normalised once, detached, and shared by the real and fake batches.
        weights = self.module_.frozen_hidden_weights()
        if self.generator_loss == "feature_matching":
            return self.module_.feature_matching_loss(x_real, x_fake, weights)
        features_fake = self.module_.features(x_fake, weights).float()
        return self._non_saturating(self.module_.output(features_fake), features_fake)

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """Run the epochs; record why training stopped in ``termination_condition_``.

        On divergence or interruption, the weights of the last completed epoch
        are restored and the incomplete epoch is dropped from the history.
        """
        self.diverged_message_ = None
        # The learning-rate schedule runs over the steps of this call, or over
        # schedule_epochs counted from the first epoch of the first fit.
        if self.schedule_epochs is None:
            self.steps_in_fit_ = (
                epochs if epochs is not None else self.max_epochs
            ) * self.steps_per_epoch
            self.steps_done_ = 0
        else:
            self.steps_in_fit_ = self.schedule_epochs * self.steps_per_epoch
            self.steps_done_ = len(self.history_) * self.steps_per_epoch
        try:
            super().fit_loop(X, y, epochs=epochs, **fit_params)
            self.termination_condition_ = "max_epochs"
        except TrainingDivergedError as exc:
            self._drop_incomplete_epoch()
            self.restore_snapshot()
            self.termination_condition_ = "diverged"
            self.diverged_message_ = str(exc)
        except KeyboardInterrupt:
            if self._stopped_early():
                self.termination_condition_ = "early_stopping"
            else:
                self._drop_incomplete_epoch()
                self.restore_snapshot()
                self.termination_condition_ = "interrupted"
        # The snapshot has served its purpose; dropping it keeps device tensors out
        # of the pickle (skorch maps only registered modules to the CPU on load).
        del self.snapshot_
        return self

    def _stopped_early(self):
        return any(
            isinstance(cb, EarlyStopping) and cb.misses_ >= cb.patience
            for _, cb in self.callbacks_
        )

    def _drop_incomplete_epoch(self):
        if self.history and "train_loss" not in self.history[-1]:
            del self.history[-1]

    # ----- inference -----------------------------------------------------
    def infer(self, x, **fit_params):
        return self.average_module_.module(x.to(self.device))

    def evaluation_step(self, batch, training=False):
        with torch.inference_mode():
            self.average_module_.eval()
            return self.infer(batch)
