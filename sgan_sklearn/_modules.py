"""PyTorch modules of the semi-supervised GAN: discriminator and generator.

The architecture follows Salimans et al. (2016), "Improved Techniques for
Training GANs", for permutation-invariant MNIST: a weight-normalised MLP
discriminator with Gaussian noise on its input and hidden layers, and an MLP
generator with batch normalisation fed with uniform noise.
"""

import copy

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "Discriminator",
    "ExponentialAverage",
    "GaussianNoise",
    "Generator",
    "NoiseBank",
    "WeightNormLinear",
]


# The share of the step spent drawing noise was measured with
# benchmarks/profile_step.py.
class NoiseBank:
    """Standard normal numbers for the noise layers, drawn in bulk on the CPU.

    torch draws normal numbers on the CPU one Mersenne-Twister value at a time,
    and the discriminator's noise layers need about 0.9 million per training
    step, so drawing them one by one is a large part of a step. The bank
    holds ``size`` normal numbers and hands out windows at uniformly random
    offsets; it is redrawn whenever it has handed out ``reuse`` times its size,
    so every number is used about ``reuse`` times, at unrelated positions. Each
    window is exactly standard normal; windows that overlap are correlated,
    which a regulariser does not notice. On CUDA, where drawing is cheap,
    ``torch.randn_like`` is used.

    The bank is drawn from torch's global generator on first use, so seeded fits
    stay reproducible; it is never pickled or deep-copied (a copy starts empty).
    """

    def __init__(self, size=1 << 21, reuse=8):
        self.size = size
        self.reuse = reuse
        self.bank = None
        self.copies = {}
        self.offsets = None
        self.handed_out = 0

    def __getstate__(self):
        return {**self.__dict__, "bank": None, "copies": {}, "offsets": None, "handed_out": 0}

    def __deepcopy__(self, memo):
        return NoiseBank(self.size, self.reuse)

    def _draw(self, n):
        if self.bank is None or self.bank.numel() < 2 * n:
            self.bank = torch.randn(max(self.size, 2 * n))
        else:
            self.bank.normal_()
        # Window offsets come from a numpy generator seeded from torch's: as
        # reproducible as torch.randint, without a torch call per window.
        self.offsets = np.random.default_rng(int(torch.randint(2**62, ())))
        self.copies, self.handed_out = {}, 0

    def standard_normal_like(self, x):
        if x.device.type != "cpu":
            return torch.randn_like(x)
        n = x.numel()
        if (
            self.bank is None
            or self.bank.numel() < 2 * n
            or self.handed_out >= self.reuse * self.bank.numel()
        ):
            self._draw(n)
        self.handed_out += n
        offset = int(self.offsets.integers(self.bank.numel() - n + 1))
        bank = self.bank
        if x.dtype != bank.dtype:
            # Drawn in float32 (the same numbers in every precision), cast once per draw.
            bank = self.copies.get(x.dtype)
            if bank is None:
                bank = self.copies[x.dtype] = self.bank.to(x.dtype)
        return bank[offset : offset + n].view_as(x)


class GaussianNoise(nn.Module):
    """Add zero-mean Gaussian noise of standard deviation ``std`` in train mode.

    ``source`` is a :class:`NoiseBank` to draw from (None: ``torch.randn_like``).
    """

    def __init__(self, std, source=None):
        super().__init__()
        self.std = std
        self.source = source

    def forward(self, x):
        if self.training and self.std > 0:
            noise = (
                torch.randn_like(x) if self.source is None else self.source.standard_normal_like(x)
            )
            return x.add(noise, alpha=self.std)
        return x

    def extra_repr(self):
        return f"std={self.std}"


class WeightNormLinear(nn.Module):
    """Linear layer with weight normalisation and data-dependent initialisation.

    ``weight = scale * direction / ||direction||`` row-wise (Salimans & Kingma,
    2016). :meth:`initialize_from` sets ``scale`` and ``bias`` so that the
    pre-activations of a data batch have zero mean and unit variance, which
    makes the deep discriminator trainable from the first step.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input and output.
    train_scale : bool, default=True
        Whether ``scale`` is learned. The Improved-GAN recipe freezes hidden
        scales after the data-dependent initialisation and learns only the
        output layer's scale.
    """

    def __init__(self, in_features, out_features, *, train_scale=True):
        super().__init__()
        self.direction = nn.Parameter(torch.randn(out_features, in_features) * 0.05)
        self.scale = nn.Parameter(torch.ones(out_features), requires_grad=train_scale)
        self.bias = nn.Parameter(torch.zeros(out_features))

    @property
    def weight(self):
        norm = self.direction.norm(dim=1).clamp_min(1e-12)
        return self.direction * (self.scale / norm).unsqueeze(1)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    @torch.no_grad()
    def initialize_from(self, x, init_scale=1.0):
        """Set scale and bias from a batch ``x`` and return the new output."""
        self.scale.fill_(1.0)
        self.bias.zero_()
        out = self.forward(x)
        mean = out.mean(dim=0)
        std = out.std(dim=0, unbiased=False).clamp_min(1e-6)
        self.scale.copy_(init_scale / std)
        self.bias.copy_(-mean * init_scale / std)
        return self.forward(x)


# Against the MNIST script's squared form, measured on MNIST-100 on the results
# page (design notes, routes tried).
def feature_matching_loss(features_real, features_fake):
    """Mean absolute difference of the batch-mean features (Salimans et al., 2016).

    The form of the Improved-GAN CIFAR-10 code (``T.mean(abs(m1 - m2))``):
    every feature counts alike, where a squared distance lets the few features
    that differ most drive the generator.
    """
    # Means in float32: a reduced-precision mean would round away the small
    # differences this loss is made of.
    return (features_real.float().mean(0) - features_fake.float().mean(0)).abs().mean()


class Discriminator(nn.Module):
    """(N+1)-way discriminator with the fake-class logit fixed at 0.

    ``forward`` returns the N real-class logits ``l``. With the fake logit fixed
    at 0, ``P(real | x) = Z / (Z + 1)`` where ``Z = sum(exp(l))``, and the class
    posterior given "real" is ``softmax(l)``.

    Parameters
    ----------
    n_features : int
        Input size.
    n_classes : int
        Number of real classes N.
    hidden_layer_sizes : tuple of int
        Widths of the hidden layers.
    input_noise, hidden_noise : float
        Standard deviation of the Gaussian noise added (train mode only) to the
        input and to the output of every hidden layer.
    compute_dtype : torch.dtype, default=torch.float32
        Precision of the hidden layers' matrix multiplies in train mode
        (``torch.bfloat16`` on CPUs that multiply it natively). Weights,
        gradients, the output layer and eval mode stay in the input's dtype.
    """

    # Small starting logits: the class and real-vs-fake terms start near chance.
    output_init_scale = 0.1

    def __init__(
        self,
        n_features,
        n_classes,
        hidden_layer_sizes,
        input_noise,
        hidden_noise,
        compute_dtype=torch.float32,
    ):
        super().__init__()
        self.compute_dtype = compute_dtype
        # One bank for all noise layers of this discriminator.
        self.noise_source = NoiseBank()
        self.input_noise = GaussianNoise(input_noise, self.noise_source)
        sizes = [n_features, *hidden_layer_sizes]
        self.hidden = nn.ModuleList(
            WeightNormLinear(fan_in, fan_out, train_scale=False)
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
        )
        self.hidden_noise = nn.ModuleList(
            GaussianNoise(hidden_noise, self.noise_source) for _ in hidden_layer_sizes
        )
        self.output = WeightNormLinear(sizes[-1], n_classes, train_scale=True)

    def forward(self, x, return_features=False):
        """Class logits, and the last hidden layer's output if asked.

        The features (post-ReLU, plus the layer's noise in train mode, i.e.
        what the output layer sees) are what the generator's feature-matching
        loss compares, as in the Improved-GAN code. Both come back in float32
        whatever the training precision.
        """
        dtype = self.compute_dtype if self.training else x.dtype
        features = self.features(x, self.hidden_weights(dtype)).to(x.dtype)
        logits = self.output(features)
        if return_features:
            return logits, features
        return logits

    def hidden_weights(self, dtype=torch.float32):
        """Weight-normalised ``(weight, bias)`` of the hidden layers, cast to ``dtype``.

        Casting once per forward pass keeps reduced-precision training to one
        conversion per layer; autograd carries the gradients back to the
        float32 weights.
        """
        return [(layer.weight.to(dtype), layer.bias.to(dtype)) for layer in self.hidden]

    def frozen_hidden_weights(self):
        """Detached hidden ``(weight, bias)`` in the training precision, computed once.

        For the generator's step, where the discriminator is fixed: reusing
        them for several batches skips the weight normalisation each time, and
        autograd records nothing for the discriminator.
        """
        return [(w.detach(), b.detach()) for w, b in self.hidden_weights(self.compute_dtype)]

    def features(self, x, weights, last_noise=True):
        """Last hidden layer's output for the hidden ``weights`` given, in their dtype.

        With ``last_noise=False`` that layer's own noise is left out (the earlier
        layers' stays on in train mode).
        """
        h = self.input_noise(x.to(weights[0][0].dtype))
        for depth, ((weight, bias), noise) in enumerate(zip(weights, self.hidden_noise), 1):
            h = F.relu(F.linear(h, weight, bias))
            if last_noise or depth < len(weights):
                h = noise(h)
        return h

    def feature_matching_loss(self, x_real, x_fake, weights):
        """The generator's feature-matching loss with the hidden ``weights`` given.

        Compares the last hidden layer's output, noise included (what the
        output layer sees), with :func:`feature_matching_loss`; the real rows
        give constants. A subclass may compare other features or another
        distance.
        """
        with torch.no_grad():
            features_real = self.features(x_real, weights)
        return feature_matching_loss(features_real, self.features(x_fake, weights))

    def logits(self, x, weights):
        """Float32 class logits with the hidden ``weights`` given (output layer as is)."""
        return self.output(self.features(x, weights).float())

    @torch.no_grad()
    def initialize_from(self, x, with_noise=False):
        """Data-dependent initialisation of every layer from a batch ``x``.

        With ``with_noise``, each layer is scaled from its pre-activations under
        the training noise, as the Improved-GAN code does (it initialises in
        train mode). Hidden scales are frozen afterwards, so this fixes for the
        whole fit how strong the noise is relative to the signal of every layer.
        The output layer's logits start with standard deviation
        ``output_init_scale``.
        """
        self.train(True)
        h = self.input_noise(x) if with_noise else x
        for layer, noise in zip(self.hidden, self.hidden_noise):
            h = F.relu(layer.initialize_from(h))
            if with_noise:
                h = noise(h)
        self.output.initialize_from(h, init_scale=self.output_init_scale)


class Generator(nn.Module):
    """MLP generator: uniform noise -> softplus/batch-norm layers -> sample.

    Samples stay inside the box spanned by the training data: feature ``j`` is
    ``low[j] + (high[j] - low[j]) * sigmoid(a_j)``. An unbounded output lets
    the generator run off to values the data never takes, where the
    discriminator's ReLU features (and the feature-matching loss) explode and
    training collapses; the Improved-GAN MNIST code bounds its samples to the
    pixel range [0, 1] with a sigmoid, which is the special case low=0, high=1.
    Constant features (low == high) are generated as that constant.

    Parameters
    ----------
    latent_dim : int
        Size of the uniform noise vector.
    n_features : int
        Size of a generated sample.
    hidden_layer_sizes : tuple of int
        Widths of the hidden layers.
    low, high : array-like of shape (n_features,)
        Per-feature bounds of the (scaled) training data.
    compute_dtype : torch.dtype, default=torch.float32
        Precision of the matrix multiplies in train mode; samples, weights and
        batch-norm statistics stay in float32.
    """

    def __init__(
        self, latent_dim, n_features, hidden_layer_sizes, low, high, compute_dtype=torch.float32
    ):
        super().__init__()
        self.latent_dim = latent_dim
        self.compute_dtype = compute_dtype
        layers = []
        fan_in = latent_dim
        for width in hidden_layer_sizes:
            layers += [nn.Linear(fan_in, width, bias=False), nn.BatchNorm1d(width), nn.Softplus()]
            fan_in = width
        self.body = nn.Sequential(*layers)
        self.output = WeightNormLinear(fan_in, n_features)
        low = torch.as_tensor(low, dtype=torch.float32).reshape(n_features)
        high = torch.as_tensor(high, dtype=torch.float32).reshape(n_features)
        self.register_buffer("low", low.clone())
        self.register_buffer("span", (high - low).clamp_min(0))

    def forward(self, z):
        dtype = self.compute_dtype if self.training else z.dtype
        h = z.to(dtype)
        for layer in self.body:
            # Linear layers multiply in the compute dtype; batch norm keeps
            # float32 statistics and parameters for any input dtype.
            h = F.linear(h, layer.weight.to(dtype)) if isinstance(layer, nn.Linear) else layer(h)
        pre_activation = F.linear(h, self.output.weight.to(dtype), self.output.bias.to(dtype))
        return torch.addcmul(self.low, self.span, torch.sigmoid(pre_activation.to(z.dtype)))

    def sample_noise(self, n_samples, device, generator=None):
        """Uniform noise of shape ``(n_samples, latent_dim)``.

        ``generator`` is a ``torch.Generator`` on ``device`` to draw from
        (None: torch's global generator, as in training).
        """
        return torch.rand(n_samples, self.latent_dim, device=device, generator=generator)

    @torch.no_grad()
    def initialize_from(self, x, start="middle"):
        """Data-dependent initialisation of the output layer from real rows ``x``.

        Its pre-activations get unit variance on a batch of noise and are
        centred so that the first samples spread around the middle of the box
        (``start="middle"``) or around the per-feature mean of ``x``
        (``start="data_mean"``; MNIST pixels average 0.13, not 0.5).
        """
        self.output.initialize_from(self.body(self.sample_noise(len(x), x.device)))
        if start == "data_mean":
            span = self.span.clamp_min(1e-12)
            position = ((x.mean(dim=0) - self.low) / span).clamp(0.01, 0.99)
            self.output.bias.add_(torch.logit(position))


class ExponentialAverage(nn.Module):
    """Exponential moving average of a module's parameters, for prediction.

    The first :meth:`update_parameters` copies the weights (a zero-initialised
    average would ruin early predictions); the k-th moves the average towards
    the current weights by ``1 - min(decay, (1 + k) / (10 + k))``, so short runs
    are not dominated by their first weights (TensorFlow's ``num_updates``
    warm-up). Buffers are copied as they are.
    """

    def __init__(self, module, decay):
        super().__init__()
        self.module = copy.deepcopy(module)
        self.module.requires_grad_(False)
        self.decay = decay
        self.register_buffer("n_averaged", torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def update_parameters(self, module):
        averaged = list(self.module.parameters())
        current = [p.detach() for p in module.parameters()]
        if self.n_averaged.item() == 0:
            torch._foreach_copy_(averaged, current)
        else:
            k = self.n_averaged.item()
            decay = min(self.decay, (1 + k) / (10 + k))
            torch._foreach_lerp_(averaged, current, 1.0 - decay)
        for mine, theirs in zip(self.module.buffers(), module.buffers()):
            mine.copy_(theirs)
        self.n_averaged += 1

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)
