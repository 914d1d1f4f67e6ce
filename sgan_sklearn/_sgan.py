"""SGANClassifier: a semi-supervised GAN behind a scikit-learn estimator face.

The data path of ``fit``: check the parameters (``_params``), resolve the "auto"
settings for the data (``_auto``), scale the inputs (``_scaling``), build the
skorch net (``_build``, with callbacks from ``_callbacks``), train (``_net``).
"""

import os
import sys
import threading
import warnings
from numbers import Integral

import numpy as np
import sklearn
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.utils import _safe_indexing, column_or_1d
from sklearn.utils._param_validation import Interval, validate_parameter_constraints
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _build, _confidence, _groups, _params, _persistence
from ._auto import (
    _fades_with_distance,
    _resolve_batch_size,
    _resolve_input_noise,
    _resolve_label_smoothing,
    _resolve_temperature,
)
from ._inference import (
    generated_rows,
    log_real_probability,
    torch_seed,
    torch_threads,
    transformed_logits,
)
from ._labels import encode_labels, labeled_mask
from ._net import SemiSupervisedData
from ._scaling import scaled

__all__ = ["SGANClassifier", "load"]

_PROCESS_WIDE_TORCH_STATE = threading.RLock()

# Warnings from fit point at the first frame outside these packages: the user's
# line, even through scikit-learn's fit wrapper or a Pipeline (what Python 3.12's
# ``skip_file_prefixes`` does, computed here so that 3.10 and 3.11 get it too).
_INTERNAL_PREFIXES = tuple(os.path.dirname(path) + os.sep for path in (__file__, sklearn.__file__))


def _user_stacklevel():
    """``stacklevel`` for a ``warnings.warn`` in the caller that names the user's frame."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL_PREFIXES):
        frame, level = frame.f_back, level + 1
    return level


def _package_version():
    # Imported at call time: the package __init__ imports this module first.
    from . import __version__

    return __version__


class SGANClassifier(ClassifierMixin, BaseEstimator):
    """Semi-supervised GAN classifier for partially labeled data.

    Rows of ``y`` equal to -1 are unlabeled. A generator and an (N+1)-way
    discriminator (N classes plus "fake") are trained against each other; the
    discriminator is the classifier (Odena, 2016; Salimans et al., 2016).

    The fake-class logit is fixed at 0, so the discriminator outputs N logits
    ``l``: ``P(y | x, real) = softmax(l)`` and ``P(real | x) = Z / (Z + 1)``
    with ``Z = sum(exp(l))``. Its loss is cross-entropy on labeled rows plus
    ``unsupervised_weight`` times the real-vs-fake loss on all training rows and
    on generated rows. The generator is trained by feature matching on the last
    hidden layer of the discriminator (or with the non-saturating GAN loss).
    Predictions use an exponential moving average of the discriminator weights.

    Inputs are scaled inside the estimator (``input_scaling``), so unscaled
    tabular data and pixels in [0, 1] or [0, 255] work without a user scaler.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    hidden_layer_sizes : "auto" or tuple of int, default="auto"
        Width of each hidden layer of the discriminator: units for
        ``architecture="mlp"``, output channels of each convolution for the
        convolutional architectures. ``"auto"`` picks widths for the data's
        shape and the architecture; the widths used are in
        ``hidden_layer_sizes_``.

    architecture : {"mlp", "conv", "sgan_original"}, default="mlp"
        The built-in networks: the Improved-GAN multilayer perceptrons, for
        tabular data and images alike; weight-normalised convolutional networks
        for images given as rows (see ``image_shape``); or the Keras SGAN
        script's networks (Odena, 2016), several times the cost of ``"conv"``.

    image_shape : tuple of int or None, default=None
        ``(channels, height, width)`` of the images in the rows of ``X``, each
        flattened channel by channel. Required by the convolutional
        architectures; with ``"mlp"`` it is only checked and used for drawing.

    generator_layer_sizes : "auto" or tuple of int, default="auto"
        Width of each hidden layer of the generator (channels of its feature
        maps, coarsest first, for the convolutional architectures). The widths
        used are in ``generator_layer_sizes_``.

    input_noise : "auto" or float, default="auto"
        Standard deviation of the Gaussian noise on the discriminator's scaled
        input. ``"auto"``: 0.3, less where the scaled rows lie closer together
        than digit images' pixels; 0.3 on inputs of 256 features or more (images
        given as rows) and with the convolutional architectures. The value used
        is in ``input_noise_``.

    hidden_noise : float, default=0.5
        Standard deviation of the Gaussian noise after each of its hidden layers.

    generator_loss : {"feature_matching", "non_saturating"}, default="feature_matching"
        ``"feature_matching"`` matches the mean last-hidden-layer features of a
        generated and a real batch (Salimans et al., 2016);
        ``"non_saturating"`` maximises ``log P(real | G(z))`` (original SGAN).

    unsupervised_weight : float, default=1.0
        Weight of the real-vs-fake term in the discriminator loss.

    label_smoothing : float in [0, 1) or "auto", default="auto"
        Label smoothing of the labeled rows' cross-entropy. ``"auto"``: a
        little smoothing where the rarest class has fewer than 5 labels, none
        otherwise; the value used is in ``label_smoothing_``.

    temperature : float > 0 or "auto", default="auto"
        ``predict_proba`` is the softmax of the class logits divided by
        ``temperature``; it never changes ``predict``. ``"auto"``: 1 after a
        fit with label smoothing or with rows labeled by group labels
        (``n_labeled_by_groups_``); otherwise 2.5 after a fit with the
        neighbour term (``train__neighbor_weight``) and 2 after one without.
        Read at prediction time, so ``set_params(temperature=...)`` needs no
        refit.

    max_epochs : int, default=30
        Number of epochs. An epoch is one pass over the rows, or more steps on
        small data (``train__min_steps_per_epoch``).

    batch_size : int or "auto", default="auto"
        Rows per unlabeled (and generated) batch. ``"auto"``: 100, or 300 for
        small tabular data with at least 5 labels in every class. The batch
        used is in ``batch_size_``.

    learning_rate : float, default=0.003
        Adam learning rate of the discriminator (the generator's is
        ``generator_optimizer__lr``, 0.003 by default).

    learning_rate_schedule : {"constant", "linear_decay"}, default="constant"
        ``"linear_decay"`` keeps both learning rates for the first half of
        each fit's steps, then lowers them linearly to 0 at its last step
        (``train__decay_start`` and ``train__schedule_epochs`` shape it). A
        skorch ``LRScheduler`` in ``callbacks`` needs ``"constant"``.

    averaging_decay : float, default=0.999
        Decay of the exponential moving average of the discriminator weights
        that predicts; 0 predicts with the last weights.

    input_scaling : {"standard", "minmax"} or None, default="standard"
        How features are scaled before the networks see them: standardised
        (each divided by its standard deviation, or by a sixth of its range where
        that is larger, so that rare values are not blown up; two-valued
        columns by the gap between their values; heavy-tailed
        non-negative columns log-transformed first; inputs of 256 features or
        more, as pixels, floored at the typical scale instead), mapped to
        [0, 1] (max-abs for sparse input), or used as they are (None).

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks, cloned at every ``fit``, e.g. ``EarlyStopping``,
        ``Checkpoint``, ``LRScheduler``, ``ProgressBar`` or
        :class:`sgan_sklearn.plotting.SampleGrid`. Scoring callbacks are
        refused: training has no validation split.

    warm_start : bool, default=False
        If True, ``fit`` on the same classes and features continues from the
        current weights for another ``max_epochs`` epochs, with the training
        settings as they are now; a change that needs new networks raises.

    verbose : int, default=0
        0 is silent, 1 prints one line per epoch, 2 adds a progress bar.

    device : str, default="cpu"
        Torch device to train and predict on, e.g. ``"cuda"``.

    n_threads : int or None, default=None
        Torch CPU threads used inside ``fit`` and ``predict_proba`` (restored
        afterwards); None keeps torch's setting. Set ``n_cpus // n_jobs`` for
        parallel fits, e.g. in ``GridSearchCV(n_jobs=...)``.

    precision : {"auto", "float32", "bfloat16"}, default="auto"
        Precision of the networks' matrix multiplies during training.
        ``"auto"``: bfloat16 for wide inputs (images) on CPUs with bfloat16
        matrix instructions, float32 elsewhere. Weights, losses and
        predictions stay in float32 or wider.

    discriminator : torch.nn.Module subclass or instance, or None, default=None
        Your own discriminator instead of the built-in one: a class, built at
        fit with its ``discriminator__*`` arguments, or an instance, which is
        copied. It maps scaled rows to class logits and, with
        ``return_features=True``, to ``(logits, features)``. See
        :ref:`own-networks`.

    generator : torch.nn.Module subclass or instance, or None, default=None
        Your own generator, given as ``discriminator`` is, with
        ``generator__*`` arguments for a class. It maps noise from its
        ``sample_noise`` method (or uniform noise of size its ``latent_dim``)
        to rows in the scaled input space.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, noise and batch order: an int makes a CPU
        fit reproducible. The global torch, numpy and random states are never
        changed.

    **prefixed_params : dict
        Settings routed by prefix, as skorch routes them; each is a parameter
        (``get_params``, ``set_params``, ``GridSearchCV``):

        - ``optimizer__<name>``: arguments of the discriminator's
          :class:`torch.optim.Adam`; ``optimizer__betas=(0.5, 0.999)`` and
          ``optimizer__eps=1e-4`` by default.
        - ``generator_optimizer__<name>``: the generator's Adam; it takes the
          discriminator's arguments unless given its own, and
          ``generator_optimizer__lr=0.003``.
        - ``generator__latent_dim`` (default 100): noise size of the built-in
          generator. ``discriminator__<name>`` and ``generator__<name>`` are
          the arguments of your own network classes.
        - ``train__<name>``: training-loop settings, for research, described
          in the user guide: ``labeled_batch_size``, ``min_steps_per_epoch``,
          ``max_passes_per_epoch``, ``catch_up_steps``, ``catch_up_threshold``,
          ``discriminator_loss`` ("improved_gan", or "keras_sgan" for the
          Keras SGAN script's loss), ``generator_start``,
          ``initialize_with_noise``, ``schedule_epochs``, ``decay_start``,
          ``neighbor_weight`` (weight of the term that pulls the class
          probabilities of neighbouring rows together; "auto": 0.3 on inputs
          under 256 features, 0 for wider inputs and for your own networks)
          and ``group_labels`` (default True: on inputs under 256 features and
          up to 20,000 rows, where the nearest-neighbour graph of the scaled
          rows, or of the densest nine in ten, falls apart into groups, every
          class has a label in one and each group's labels name one class,
          every row of a group is labeled with that class before training,
          and the rows left outside the groups take the class of the group
          nearest them along the graph; nothing is labeled where a large
          group holds no label; False trains on the labels as given).

        A name that matches none of them raises a ValueError that suggests
        the closest valid name.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labeled classes, sorted; never -1.

    batch_size_ : int
        Rows per unlabeled batch (``"auto"`` resolved).

    label_smoothing_ : float
        Label smoothing of the last fit (``"auto"`` resolved).

    input_noise_ : float
        Standard deviation of the input noise (``"auto"`` resolved).

    n_labeled_by_groups_ : int
        Unlabeled rows of the last fit that were labeled before training
        because they lie in, or nearest to, a group of rows apart from the
        rest whose labels all name one class (see ``train__group_labels``);
        0 where the rows form no such groups.

    temperature_ : float
        Temperature ``predict_proba`` divides the class logits by
        (``"auto"`` resolved).

    labeled_kernel_ : dict or None
        The labeled rows' last-hidden-layer features and the kernel state with
        which ``predict_proba`` lowers the confidence of rows far from them
        (at most 1,000 labeled rows); None where it does not apply.

    hidden_layer_sizes_ : tuple of int
        Widths of the discriminator's hidden layers (``"auto"`` resolved).

    generator_layer_sizes_ : tuple of int
        Widths of the generator's hidden layers (``"auto"`` resolved).

    image_shape_ : tuple of int or None
        The checked ``image_shape``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column names.

    label_distributions_ : ndarray of shape (n_samples, n_classes)
        Class probabilities of every training row (labeled rows included), as
        ``predict_proba`` gives them; rows sum to 1. The counterpart of
        LabelSpreading's attribute of that name.

    transduction_ : ndarray of shape (n_samples,)
        Predicted label of every training row (labeled rows included).

    n_iter_ : int
        Number of completed training epochs (summed over warm starts).

    termination_condition_ : {"max_epochs", "early_stopping", "interrupted", "diverged"}
        Why the last ``fit`` stopped.

    history_ : skorch.History
        Per-epoch and per-batch records: ``train_loss`` (discriminator),
        ``supervised_loss``, ``unsupervised_loss``, ``generator_loss``,
        ``generator_steps``, ``labeled_accuracy``, ``dur``.

    discriminator_ : torch.nn.Module
        The discriminator with averaged weights, used for prediction; maps
        ``(batch, n_features_in_)`` scaled inputs to ``(batch, n_classes)`` logits.

    generator_ : torch.nn.Module
        The generator; maps ``generator_.sample_noise(batch, device)`` noise
        to ``(batch, n_features_in_)`` samples in the scaled input space.

    scaler_ : transformer or None
        The fitted input scaler.

    net_ : skorch.NeuralNet
        The skorch net that owns the modules, optimizers, callbacks and history.

    See Also
    --------
    sgan_sklearn.load : Load a model written by :meth:`save`.
    sklearn.semi_supervised.LabelSpreading : Graph-based semi-supervised learning.
    sklearn.semi_supervised.SelfTrainingClassifier : Self-training meta-estimator.

    References
    ----------
    A. Odena, "Semi-Supervised Learning with Generative Adversarial Networks",
    2016. arXiv:1606.01583.

    T. Salimans, I. Goodfellow, W. Zaremba, V. Cheung, A. Radford, X. Chen,
    "Improved Techniques for Training GANs", NeurIPS 2016. arXiv:1606.03498.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sgan_sklearn import SGANClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> y = y.copy()
    >>> y[np.random.default_rng(0).random(len(y)) < 0.7] = -1
    >>> clf = SGANClassifier(max_epochs=2, random_state=0).fit(X, y)
    >>> clf.classes_
    array([0, 1, 2])
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)

    Save it to a model file that is safe to share, and load it back:

    >>> import os, tempfile
    >>> import sgan_sklearn
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.sgan")
    >>> _ = clf.save(path)
    >>> loaded = sgan_sklearn.load(path)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """

    _parameter_constraints: dict = _params.CONSTRAINTS

    def __init__(
        self,
        hidden_layer_sizes="auto",
        *,
        architecture="mlp",
        image_shape=None,
        generator_layer_sizes="auto",
        input_noise="auto",
        hidden_noise=0.5,
        generator_loss="feature_matching",
        unsupervised_weight=1.0,
        label_smoothing="auto",
        temperature="auto",
        max_epochs=30,
        batch_size="auto",
        learning_rate=0.003,
        learning_rate_schedule="constant",
        averaging_decay=0.999,
        input_scaling="standard",
        callbacks=None,
        warm_start=False,
        verbose=0,
        device="cpu",
        n_threads=None,
        precision="auto",
        discriminator=None,
        generator=None,
        random_state=None,
        **prefixed_params,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.architecture = architecture
        self.image_shape = image_shape
        self.generator_layer_sizes = generator_layer_sizes
        self.input_noise = input_noise
        self.hidden_noise = hidden_noise
        self.generator_loss = generator_loss
        self.unsupervised_weight = unsupervised_weight
        self.label_smoothing = label_smoothing
        self.temperature = temperature
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.averaging_decay = averaging_decay
        self.input_scaling = input_scaling
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.verbose = verbose
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.discriminator = discriminator
        self.generator = generator
        self.random_state = random_state
        # Stored as given and checked at fit, as scikit-learn wants of __init__;
        # kept apart, as they are not attributes of the constructor's signature.
        self._prefixed = dict(prefixed_params)

    # ----- parameters routed by prefix -----------------------------------
    def _prefixed_params(self):
        return dict(self._prefixed)

    def __getattr__(self, name):  # a prefixed setting reads as the other parameters do
        prefixed = self.__dict__.get("_prefixed", {})
        if name in prefixed:
            return prefixed[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_params(self, deep=True):
        """Get parameters for this estimator, the prefixed settings given included.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of contained estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {**super().get_params(deep=deep), **self._prefixed_params()}

    def set_params(self, **params):
        """Set parameters, the prefixed settings (``optimizer__betas``, ...) included.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : object
            The estimator.
        """
        names = self._get_param_names()
        # No parameter holds an estimator, so every name with "__" is a prefixed setting.
        for name in [n for n in params if n not in names]:
            if name != "prefixed_params":  # the ** name itself, as __init__ takes it
                _params.check_parameter_name(name, names)
            self._prefixed[name] = params.pop(name)
        return super().set_params(**params)

    def _check_parameter_names(self):
        """Refuse keyword arguments that go nowhere, at fit, once the networks are known."""
        names = self._get_param_names()
        built_in = {name: getattr(self, name) is None for name in ("discriminator", "generator")}
        for name in self._prefixed:
            _params.check_parameter_name(name, names, built_in)
        _params.check_prefixed_values(self)
        _build.check_network_params(self)

    # ----- fitted components exposed by name -----------------------------
    @property
    def discriminator_(self):
        return self.net_.average_module_.module

    @property
    def generator_(self):
        return self.net_.generator_

    @property
    def history_(self):
        return self.net_.history_

    # ----- fit -----------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the generator and discriminator on partially labeled data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse input is scaled and batched without being
            densified as a whole.

        y : array-like of shape (n_samples,)
            Labels; -1 marks an unlabeled row. String labels go in an object
            array with the integer -1 for unlabeled rows.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._check_parameter_names()
        device = _params.check_device(self.device)
        # Checked before any data work, resolved once the data's shape is known.
        hidden_sizes = _params.check_layer_sizes("hidden_layer_sizes", self.hidden_layer_sizes)
        generator_sizes = _params.check_layer_sizes(
            "generator_layer_sizes", self.generator_layer_sizes
        )
        continuing = self.warm_start and hasattr(self, "net_")
        if continuing:
            _build.check_can_continue(self, device)
        _params.check_learning_rate_schedule(
            self.learning_rate_schedule,
            _params.training_settings(self),
            self.max_epochs,
            self.n_iter_ if continuing else 0,
        )
        _params.check_rows(X)
        X, y = validate_data(
            self,
            X,
            y,
            reset=not continuing,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
        )
        classes, labeled_rows, codes = encode_labels(y)
        if continuing and not np.array_equal(classes, self.classes_):
            raise ValueError(
                f"warm_start=True continues a model fitted on classes {self.classes_.tolist()}, "
                f"but y has labeled classes {classes.tolist()}. Fit with warm_start=False "
                "to start afresh."
            )
        if not continuing:
            vars(self).update(
                _build.fitted_shapes_and_scaler(self, X, classes, hidden_sizes, generator_sizes)
            )
        X_scaled = scaled(self.scaler_, X)
        n_given = len(labeled_rows)
        labeled_rows, codes = self._labels_from_groups(X_scaled, labeled_rows, codes)
        self.n_labeled_by_groups_ = len(labeled_rows) - n_given
        fewest_labels = np.bincount(codes).min()
        if not continuing or self.batch_size != "auto":
            # A continued fit keeps the batch "auto" chose on the first data.
            self.batch_size_ = _resolve_batch_size(
                self.batch_size, *X.shape, self.architecture, fewest_labels
            )
        # Resolved on every fit: it only changes the loss, so a continued fit whose
        # labels reached the threshold trains without smoothing from then on.
        self.label_smoothing_ = _resolve_label_smoothing(self.label_smoothing, fewest_labels)
        data = SemiSupervisedData(X_scaled, labeled_rows, codes)

        # A continued fit draws new noise: the same seed again would replay the
        # first epochs' noise.
        seed = torch_seed(self.random_state) + (self.n_iter_ if continuing else 0)
        if not continuing or self.input_noise != "auto":
            # A continued fit keeps the noise "auto" chose on the first data.
            self.input_noise_ = _resolve_input_noise(
                self.input_noise, data.X, seed % 2**32, self.architecture
            )
        fork_devices = [] if device.type == "cpu" else None
        # torch's RNG and thread count are process-wide: fits in threads of one
        # process take turns here, so each stays reproducible.
        with (
            _PROCESS_WIDE_TORCH_STATE,
            torch.random.fork_rng(devices=fork_devices),
            torch_threads(self.n_threads),
        ):
            torch.manual_seed(seed)
            if continuing:
                _build.apply_params_to_net(self, data.X.shape[0])
            else:
                self.net_ = _build.make_net(self, data.X, seed, device)
                self.net_.initialize()
                if _build.brings_networks(self):
                    _build.check_network_contract(self.net_, data.X, len(self.classes_))
            self.net_.partial_fit(data)

        self.termination_condition_ = self.net_.termination_condition_
        self.n_iter_ = len(self.net_.history_)
        self._warn_about_termination()
        self.labeled_kernel_ = self._fitted_kernel(data.X, labeled_rows, seed % 2**32)
        self.label_distributions_ = self._proba_of_scaled(data.X)
        self.transduction_ = self.classes_[self.label_distributions_.argmax(axis=1)]
        return self

    def _labels_from_groups(self, X_scaled, labeled_rows, codes):
        """The labels, with the rows of groups whose labels name one class labeled."""
        if not _params.training_settings(self)["group_labels"]:
            return labeled_rows, codes
        if not _groups.applies(X_scaled, labeled_rows, _build.network_kind(self)):
            return labeled_rows, codes
        return _groups.labels_from_groups(X_scaled, labeled_rows, codes)

    def _warn_about_termination(self):
        if self.termination_condition_ == "diverged":
            warnings.warn(
                f"Training diverged in epoch {self.n_iter_ + 1}: {self.net_.diverged_message_}. "
                f"The weights of the last completed epoch ({self.n_iter_}) were restored. "
                "Lower learning_rate / generator_optimizer__lr or raise optimizer__eps.",
                ConvergenceWarning,
                stacklevel=_user_stacklevel(),
            )
        elif self.termination_condition_ == "interrupted":
            warnings.warn(
                f"Training was interrupted in epoch {self.n_iter_ + 1}; the estimator keeps "
                f"the weights of the last completed epoch ({self.n_iter_}). Call fit with "
                "warm_start=True to continue.",
                UserWarning,
                stacklevel=_user_stacklevel(),
            )

    # ----- predict -------------------------------------------------------
    def _fitted_kernel(self, X_scaled, labeled_rows, seed):
        """The state that makes confidence fade away from the labeled rows, or None."""
        if not _fades_with_distance(self.n_features_in_, _build.network_kind(self)):
            return None
        anchor_rows, sample = _confidence.kernel_rows(labeled_rows, X_scaled.shape[0], seed)
        n_classes, width = len(self.classes_), self.hidden_layer_sizes_[-1]

        def logits_and_features(logits, features):
            return torch.cat([logits, features], dim=1)

        def of_rows(rows):
            return self._from_logits(
                _safe_indexing(X_scaled, rows),
                logits_and_features,
                (n_classes + width,),
                with_features=True,
            )

        anchors = of_rows(anchor_rows)[:, n_classes:]
        sampled = of_rows(sample)
        return _confidence.fit_kernel(
            anchors, sampled[:, n_classes:], sampled[:, :n_classes], self.temperature_
        )

    def _proba_of_scaled(self, X_scaled):
        temperature = self.temperature_
        kernel = getattr(self, "labeled_kernel_", None)
        if kernel is None:

            def softmax(logits):
                return torch.softmax(logits / temperature, dim=1)

            return self._from_logits(X_scaled, softmax, (len(self.classes_),))

        def faded_softmax(logits, features):
            factor = torch.from_numpy(_confidence.kappa(features.cpu().numpy(), kernel))
            return torch.softmax(factor.to(logits.device)[:, None] * logits / temperature, dim=1)

        return self._from_logits(
            X_scaled, faded_softmax, (len(self.classes_),), with_features=True
        )

    def _from_logits(self, X_scaled, transform, row_shape, with_features=False):
        return transformed_logits(
            self.net_,
            self.discriminator_,
            X_scaled,
            transform,
            row_shape,
            self.n_threads,
            with_features=with_features,
        )

    @property
    def temperature_(self):
        """The temperature ``predict_proba`` divides the class logits by.

        ``temperature``, or for ``"auto"`` 1 after a fit with label smoothing
        (``label_smoothing_`` above 0) or with rows labeled by group labels
        (``n_labeled_by_groups_`` above 0); otherwise 2.5 after a fit with the
        neighbour term and 2 after one without. Read when
        ``predict_proba`` is called, so that ``set_params(temperature=...)`` takes
        effect without refitting (``label_distributions_`` keeps the temperature
        of the fit).
        """
        check_is_fitted(self)
        # set_params skips fit's validation, so the value is checked here.
        validate_parameter_constraints(
            {"temperature": self._parameter_constraints["temperature"]},
            {"temperature": self.temperature},
            caller_name=type(self).__name__,
        )
        # Nets of versions before the neighbour term have no such setting.
        neighbor_weight = getattr(self.net_, "neighbor_weight", 0.0)
        return _resolve_temperature(
            self.temperature,
            self.label_smoothing_,
            neighbor_weight,
            getattr(self, "n_labeled_by_groups_", 0),
        )

    def _validated_scaled(self, X):
        """The scaled rows of ``X``, checked as every prediction method checks them."""
        check_is_fitted(self)
        _params.check_rows(X)
        X = validate_data(
            self, X, reset=False, accept_sparse="csr", dtype=[np.float64, np.float32]
        )
        return scaled(self.scaler_, X)

    def predict_proba(self, X):
        """Class probabilities given that the row is real.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input rows. Processed in batches, so memory stays bounded.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            ``softmax`` of the discriminator's class logits divided by
            ``temperature_``; columns follow ``classes_``. With the built-in
            perceptron on inputs narrower than 256 features, each row's logits
            are also multiplied by a factor that falls as the row lies farther
            from every labeled row in the discriminator's last hidden layer (a
            Gaussian-process variance over the labeled rows), scaled so that the
            training rows' mean confidence is kept: rows unlike any labeled row
            rank as less certain, and every prediction stays as it is.
        """
        return self._proba_of_scaled(self._validated_scaled(X))

    def predict(self, X):
        """Predict the class of each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy on the rows whose label is not -1.

        Rows labeled -1 are left out, so that ``cross_val_score`` and
        ``GridSearchCV`` give meaningful numbers on folds holding unlabeled rows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test rows.
        y : array-like of shape (n_samples,)
            True labels, -1 for unlabeled rows.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy of ``predict(X)`` on the labeled rows.
        """
        y = column_or_1d(y, warn=True)
        mask = labeled_mask(y)
        if not mask.any():
            raise ValueError("score needs at least one labeled row; every label in y is -1.")
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[mask]
        y_pred = self.predict(_safe_indexing(X, mask))
        return accuracy_score(y[mask], y_pred, sample_weight=sample_weight)

    # ----- novelty and generation ----------------------------------------
    def score_samples(self, X):
        """Log-probability that each row is real, by the discriminator.

        A novelty score: higher means more like the training rows. It is
        ``log P(real | x) = lse(l) - softplus(lse(l))`` for the class logits
        ``l`` (the fake logit is fixed at 0), where ``lse`` is log-sum-exp;
        computed as ``predict_proba`` is, in batches, in float64, with the
        averaged weights.

        A weak novelty score: the discriminator tells training rows from
        generated ones, not from other data, and rows unlike both can score
        highest (:ref:`novelty-results`). For outlier detection use a dedicated
        detector such as :class:`sklearn.ensemble.IsolationForest`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``log P(real | x)``, at most 0.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sgan_sklearn import SGANClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> y = np.where(np.arange(len(y)) % 5 == 0, y, -1)
        >>> clf = SGANClassifier(max_epochs=1, random_state=0).fit(X, y)
        >>> clf.score_samples(X[:3]).shape
        (3,)
        """
        return self._from_logits(self._validated_scaled(X), log_real_probability, ())

    def sample(self, n_samples=1, random_state=None):
        """Generate rows with the fitted generator, in the input space of ``X``.

        The generator's output for uniform noise, mapped back through the
        input scaling (``scaler_``), so the rows are comparable to the training
        rows: every feature lies within its range in the training data. Neither
        the estimator nor the global random state changes.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to generate.

        random_state : int, RandomState instance or None, default=None
            Seeds the noise: the same int gives the same rows. None draws fresh
            noise on every call.

        Returns
        -------
        X : ndarray of shape (n_samples, `n_features_in_`), dtype float64
            Generated rows (dense, also for a model fitted on sparse input).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sgan_sklearn import SGANClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> y = np.where(np.arange(len(y)) % 5 == 0, y, -1)
        >>> clf = SGANClassifier(max_epochs=1, random_state=0).fit(X, y)
        >>> clf.sample(4, random_state=0).shape
        (4, 4)
        >>> bool((clf.sample(4, random_state=0) == clf.sample(4, random_state=0)).all())
        True
        """
        check_is_fitted(self)
        validate_parameter_constraints(
            {
                "n_samples": [Interval(Integral, 1, None, closed="left")],
                "random_state": ["random_state"],
            },
            {"n_samples": n_samples, "random_state": random_state},
            caller_name="sample",
        )
        rows = generated_rows(self.generator_, n_samples, random_state, self.n_threads)
        if self.scaler_ is not None:
            rows = self.scaler_.inverse_transform(rows)
        return rows

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ----- persistence ---------------------------------------------------
    def save(self, path):
        """Write the fitted estimator to a model file that cannot run code on load.

        The file (a zip archive) holds the parameters, fitted attributes,
        weights and history as JSON and tensors only, which
        :func:`sgan_sklearn.load` reads with ``torch.load(weights_only=True)``:
        unlike pickle or joblib files, a model file from anyone is safe to load.
        The loaded estimator gives bitwise the same ``predict_proba`` and can
        continue with ``warm_start=True``. ``callbacks`` are not stored, and a
        ``RandomState`` instance as ``random_state`` is stored as None.

        Parameters
        ----------
        path : str or path-like
            Where to write the file (overwritten if it exists).

        Returns
        -------
        self : object
            The estimator, unchanged.
        """
        check_is_fitted(self)
        _persistence.save(self, path, _package_version())
        return self

    @classmethod
    def _from_saved_state(cls, params, fitted, seed, restore_net, device=None):
        """The fitted estimator a model file describes: the file format's one hook.

        ``params`` (earlier releases' names mapped to today's) and ``fitted``
        attributes make the estimator; ``restore_net(net)`` loads the stored
        state into a net built with ``seed``. ``device`` None: the saved one,
        or the CPU where that one is not available.
        """
        params = _params.upgraded_params(params)
        if device is not None:
            params["device"] = device
        elif torch.device(params["device"]).type == "cuda" and not torch.cuda.is_available():
            params["device"] = "cpu"
        estimator = cls(**params)
        estimator._validate_params()
        estimator._check_parameter_names()
        device = _params.check_device(estimator.device)
        _params.check_stored_widths(params, fitted)
        vars(estimator).update(fitted)
        # One placeholder row builds the networks' layout; the weights, including the
        # generator's bounds, come from the file.
        placeholder = np.zeros((1, estimator.n_features_in_), dtype=np.float32)
        net = _build.make_net(estimator, placeholder, seed, device)
        net.initialize()
        restore_net(net)
        estimator.net_ = net
        return estimator

    def __getstate__(self):
        # BaseEstimator may return the live __dict__: stamp a copy.
        return dict(super().__getstate__(), _sgan_sklearn_version=_package_version())

    def __setstate__(self, state):
        state = dict(state)
        pickled_version = state.pop("_sgan_sklearn_version", "unknown")
        _params.check_pickled_params(state)
        if pickled_version != _package_version():
            warnings.warn(
                f"This {type(self).__name__} was pickled with sgan_sklearn {pickled_version} "
                f"and is loaded with sgan_sklearn {_package_version()}; it may not work or "
                "may predict differently. Refit it with this version, or pin "
                f"sgan_sklearn=={pickled_version} to load it.",
                UserWarning,
                stacklevel=2,
            )
        super().__setstate__(state)


def load(path, device=None):
    """Read a model written by :meth:`SGANClassifier.save`; no code in the file runs.

    Parameters
    ----------
    path : str or path-like
        The model file.
    device : str or None, default=None
        Torch device to load onto. None: the device it was saved from, or "cpu"
        where that device is not available here.

    Returns
    -------
    estimator : SGANClassifier
        The fitted estimator, with ``callbacks=None``; it predicts exactly as the
        saved one did, and ``warm_start=True`` continues its training.

    Raises
    ------
    ValueError
        If the file is not a complete model file of this format version.
    """
    return _persistence.load(path, SGANClassifier._from_saved_state, device)
