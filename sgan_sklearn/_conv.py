"""Convolutional discriminators and generators for image inputs.

Images arrive as scikit-learn rows, ``(batch, C * H * W)`` in C-major order
(``images.reshape(len(images), -1)`` of a ``(n, C, H, W)`` array); the modules
reshape them to ``(batch, C, H, W)`` and give generated images back as rows.

Two families:

- ``ConvDiscriminator`` / ``ConvGenerator``: the default for images. A
  weight-normalised, data-initialised conv discriminator with Gaussian noise
  (the Improved-GAN regularisers of the MLP, in convolutional form) and a light
  transposed-conv generator whose samples stay in the box of the training data.
- ``OriginalDiscriminator`` / ``OriginalGenerator``: the networks of the
  widely copied Keras SGAN script (Odena 2016), layer for layer: two
  discriminator heads (a sigmoid real/fake output and an (N+1)-way softmax),
  batch normalisation, dropout, and an upsampling + conv generator with tanh.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._modules import GaussianNoise, NoiseBank, WeightNormLinear

__all__ = [
    "ConvDiscriminator",
    "ConvGenerator",
    "OriginalDiscriminator",
    "OriginalGenerator",
    "WeightNormConv2d",
]


class WeightNormConv2d(nn.Module):
    """3x3 convolution with weight normalisation and data-dependent initialisation.

    The convolutional counterpart of :class:`~sgan_sklearn._modules.WeightNormLinear`:
    ``weight = scale * direction / ||direction||`` per output channel, and
    :meth:`initialize_from` sets ``scale`` and ``bias`` so that every output
    channel of a data batch has zero mean and unit variance.
    """

    def __init__(self, in_channels, out_channels, stride, *, train_scale=False):
        super().__init__()
        self.stride = stride
        self.direction = nn.Parameter(torch.randn(out_channels, in_channels, 3, 3) * 0.05)
        self.scale = nn.Parameter(torch.ones(out_channels), requires_grad=train_scale)
        self.bias = nn.Parameter(torch.zeros(out_channels))

    @property
    def weight(self):
        norm = self.direction.flatten(1).norm(dim=1).clamp_min(1e-12)
        return self.direction * (self.scale / norm).view(-1, 1, 1, 1)

    def convolve(self, x, weight, bias):
        return F.conv2d(x, weight, bias, stride=self.stride, padding=1)

    def forward(self, x):
        return self.convolve(x, self.weight, self.bias)

    @torch.no_grad()
    def initialize_from(self, x):
        """Set scale and bias from a batch ``x`` and return the new output."""
        self.scale.fill_(1.0)
        self.bias.zero_()
        out = self.forward(x)
        mean = out.mean(dim=(0, 2, 3))
        std = out.std(dim=(0, 2, 3), unbiased=False).clamp_min(1e-6)
        self.scale.copy_(1.0 / std)
        self.bias.copy_(-mean / std)
        return self.forward(x)


def conv_output_size(size, n_strided):
    """Side of the feature map after ``n_strided`` 3x3 stride-2 convs with padding 1."""
    for _ in range(n_strided):
        size = math.ceil(size / 2)
    return size


class _ImageDiscriminator(nn.Module):
    """Shared part of the image discriminators: the image's shape, precision and noise."""

    def __init__(self, image_shape, input_noise, compute_dtype):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.compute_dtype = compute_dtype
        # One bank for all noise layers of this discriminator.
        self.noise_source = NoiseBank()
        self.input_noise = GaussianNoise(input_noise, self.noise_source)


class ConvDiscriminator(_ImageDiscriminator):
    """Weight-normalised conv discriminator with the fake-class logit fixed at 0.

    Every hidden layer is a 3x3 stride-2 convolution followed by a leaky ReLU
    and Gaussian noise; the flattened last feature map (the features the
    generator's feature matching compares) feeds a weight-normalised linear
    layer that gives the N class logits.

    Parameters
    ----------
    image_shape : tuple of int
        ``(channels, height, width)`` of one input row.
    n_classes : int
        Number of real classes N.
    hidden_layer_sizes : tuple of int
        Output channels of the convolutions.
    input_noise, hidden_noise : float
        Standard deviation of the Gaussian noise on the input and after every
        convolution (train mode only).
    compute_dtype : torch.dtype, default=torch.float32
        Precision of the convolutions in train mode.
    """

    def __init__(
        self,
        image_shape,
        n_classes,
        hidden_layer_sizes,
        input_noise,
        hidden_noise,
        compute_dtype=torch.float32,
    ):
        super().__init__(image_shape, input_noise, compute_dtype)
        channels = [self.image_shape[0], *hidden_layer_sizes]
        self.hidden = nn.ModuleList(
            WeightNormConv2d(c_in, c_out, stride=2)
            for c_in, c_out in zip(channels[:-1], channels[1:])
        )
        self.hidden_noise = nn.ModuleList(
            GaussianNoise(hidden_noise, self.noise_source) for _ in hidden_layer_sizes
        )
        height, width = (
            conv_output_size(s, len(hidden_layer_sizes)) for s in self.image_shape[1:]
        )
        self.output = WeightNormLinear(channels[-1] * height * width, n_classes, train_scale=True)

    def forward(self, x, return_features=False):
        """Class logits (float32), and the flattened last feature map if asked."""
        dtype = self.compute_dtype if self.training else x.dtype
        h = self.input_noise(x.view(len(x), *self.image_shape).to(dtype))
        for layer, noise in zip(self.hidden, self.hidden_noise):
            weight, bias = layer.weight.to(dtype), layer.bias.to(dtype)
            h = noise(F.leaky_relu(layer.convolve(h, weight, bias), 0.2))
        features = h.flatten(1).to(x.dtype)
        logits = self.output(features)
        if return_features:
            return logits, features
        return logits

    @torch.no_grad()
    def initialize_from(self, x, with_noise=False):
        """Data-dependent initialisation of every layer from a batch ``x``.

        ``with_noise``: scale each layer under the training noise (see
        :meth:`sgan_sklearn._modules.Discriminator.initialize_from`).
        """
        self.train(True)
        h = x.view(len(x), *self.image_shape)
        if with_noise:
            h = self.input_noise(h)
        for layer, noise in zip(self.hidden, self.hidden_noise):
            h = F.leaky_relu(layer.initialize_from(h), 0.2)
            if with_noise:
                h = noise(h)
        self.output.initialize_from(h.flatten(1), init_scale=0.1)


def _base_side(size, n_upsamplings):
    """Side of the first feature map of a generator that doubles it ``n_upsamplings`` times."""
    return math.ceil(size / 2**n_upsamplings)


def _run_in_dtype(layers, h, dtype):
    """Run ``layers`` with conv weights cast to ``dtype``; batch norm keeps float32."""
    for layer in layers:
        if isinstance(layer, nn.ConvTranspose2d):
            bias = None if layer.bias is None else layer.bias.to(dtype)
            h = F.conv_transpose2d(h, layer.weight.to(dtype), bias, layer.stride, layer.padding)
        elif isinstance(layer, nn.Conv2d):
            bias = None if layer.bias is None else layer.bias.to(dtype)
            h = layer._conv_forward(h, layer.weight.to(dtype), bias)
        elif isinstance(layer, nn.modules.batchnorm._BatchNorm):
            h = layer(h.to(layer.weight.dtype)).to(dtype)
        else:
            h = layer(h)
    return h


def _unit_tanh(h):
    """tanh mapped from [-1, 1] to [0, 1]: the script's output on pixels scaled to [0, 1]."""
    return 0.5 * (torch.tanh(h) + 1.0)


class _ImageGenerator(nn.Module):
    """Shared part of the image generators: noise, the box and the start.

    Subclasses build ``self.body`` (feature maps -> an image of at least
    ``image_shape``'s side, before squashing) and set ``squash``. Every pixel
    has its own trained offset before the squash, so that pixels the data
    never lights (MNIST's border) can be generated as dark as they are.
    """

    squash = staticmethod(torch.sigmoid)

    def _init_box(self, latent_dim, image_shape, low, high, compute_dtype):
        self.latent_dim = latent_dim
        self.image_shape = tuple(image_shape)
        self.compute_dtype = compute_dtype
        n_features = math.prod(self.image_shape)
        low = torch.as_tensor(low, dtype=torch.float32).reshape(n_features)
        high = torch.as_tensor(high, dtype=torch.float32).reshape(n_features)
        self.register_buffer("low", low.clone())
        self.register_buffer("span", (high - low).clamp_min(0))
        self.pixel_offset = nn.Parameter(torch.zeros(n_features))

    def pre_activation(self, z, dtype):
        raise NotImplementedError

    def forward(self, z):
        dtype = self.compute_dtype if self.training else z.dtype
        _, height, width = self.image_shape
        h = self.pre_activation(z, dtype)[:, :, :height, :width]
        h = h.flatten(1).to(z.dtype) + self.pixel_offset.to(z.dtype)
        return torch.addcmul(self.low.to(z.dtype), self.span.to(z.dtype), self.squash(h))

    def sample_noise(self, n_samples, device, generator=None):
        """Uniform noise for ``n_samples`` images, from ``generator`` if given."""
        return torch.rand(n_samples, self.latent_dim, device=device, generator=generator)

    @torch.no_grad()
    def initialize_from(self, x, start="middle"):
        """Start the samples around the middle of the box, or the data's mean.

        ``start="data_mean"`` sets each pixel's offset so that a zero
        pre-activation gives the per-pixel mean of the real rows ``x``.
        """
        if start == "data_mean":
            span = self.span.clamp_min(1e-12)
            position = ((x.mean(dim=0) - self.low) / span).clamp(0.01, 0.99)
            if self.squash is _unit_tanh:
                self.pixel_offset.copy_(torch.atanh(2 * position - 1))
            else:
                self.pixel_offset.copy_(torch.logit(position))


class ConvGenerator(_ImageGenerator):
    """Transposed-conv generator: uniform noise -> image rows in the data's box.

    A linear layer maps the noise to a ``hidden_layer_sizes[0]``-channel map at
    ``1 / 2**len(hidden_layer_sizes)`` of the image's side (batch norm, ReLU);
    every following width is a 4x4 stride-2 transposed convolution with batch
    normalisation and ReLU, and a last one gives the image's channels. The
    image is cropped to ``(height, width)`` and each pixel is mapped into the
    per-pixel range of the training data with a sigmoid, as the MLP generator
    does (the DCGAN generator, at a fraction of its channels).

    Parameters
    ----------
    latent_dim : int
        Size of the uniform noise vector.
    image_shape : tuple of int
        ``(channels, height, width)`` of a generated image.
    hidden_layer_sizes : tuple of int
        Channels of the feature maps, coarsest first.
    low, high : array-like of shape (channels * height * width,)
        Per-pixel bounds of the (scaled) training data.
    compute_dtype : torch.dtype, default=torch.float32
        Precision of the convolutions in train mode.
    """

    def __init__(
        self, latent_dim, image_shape, hidden_layer_sizes, low, high, compute_dtype=torch.float32
    ):
        super().__init__()
        self._init_box(latent_dim, image_shape, low, high, compute_dtype)
        sizes = tuple(hidden_layer_sizes)
        self.base_shape = (sizes[0], *(_base_side(s, len(sizes)) for s in self.image_shape[1:]))
        self.project = nn.Linear(latent_dim, math.prod(self.base_shape), bias=False)
        self.project_norm = nn.BatchNorm1d(math.prod(self.base_shape))
        layers = []
        for c_in, c_out in zip(sizes[:-1], sizes[1:]):
            layers += [
                nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
            ]
        layers.append(nn.ConvTranspose2d(sizes[-1], self.image_shape[0], 4, stride=2, padding=1))
        self.body = nn.Sequential(*layers)

    def pre_activation(self, z, dtype):
        projected = F.linear(z.to(dtype), self.project.weight.to(dtype))
        h = F.relu(self.project_norm(projected.to(self.project_norm.weight.dtype)))
        return _run_in_dtype(self.body, h.view(len(z), *self.base_shape).to(dtype), dtype)


class OriginalDiscriminator(_ImageDiscriminator):
    """The Keras SGAN script's discriminator, with its two heads.

    Conv 3x3/2 ``c0`` -> LeakyReLU(0.2) -> Dropout(0.25) -> Conv 3x3/2 ``c1``
    -> zero-pad one row and column -> LeakyReLU -> Dropout -> BatchNorm ->
    Conv 3x3/2 ``c2`` -> LeakyReLU -> Dropout -> BatchNorm -> Conv 3x3/1
    ``c3`` -> LeakyReLU -> Dropout -> flatten, then a sigmoid real/fake unit
    (:meth:`real_fake_logit`) and an (N+1)-way softmax. Keras's batch-norm
    momentum 0.8 and epsilon 1e-3 and its Glorot-uniform initialisation are
    kept. ``forward`` returns the (N+1)-way head's class logits minus its fake
    logit: the same softmax over the real classes, in this package's
    convention of a fake logit fixed at 0.

    ``input_noise`` and ``hidden_noise`` add Gaussian noise to the input and
    after every dropout when they are above 0; set both to 0 for the script's
    network as it was.
    """

    def __init__(
        self,
        image_shape,
        n_classes,
        hidden_layer_sizes,
        input_noise,
        hidden_noise,
        compute_dtype=torch.float32,
    ):
        super().__init__(image_shape, input_noise, compute_dtype)
        c0, c1, c2, c3 = hidden_layer_sizes
        channels = self.image_shape[0]
        self.convolutions = nn.ModuleList(
            [
                nn.Conv2d(channels, c0, 3, stride=2, padding=1),
                nn.Conv2d(c0, c1, 3, stride=2, padding=1),
                nn.Conv2d(c1, c2, 3, stride=2, padding=1),
                nn.Conv2d(c2, c3, 3, stride=1, padding=1),
            ]
        )
        # Keras BatchNormalization(momentum=0.8): torch's momentum is 1 - 0.8.
        self.norms = nn.ModuleList(
            [
                nn.BatchNorm2d(c1, momentum=0.2, eps=1e-3),
                nn.BatchNorm2d(c2, momentum=0.2, eps=1e-3),
            ]
        )
        self.dropout = nn.Dropout(0.25)
        self.hidden_noise = nn.ModuleList(
            GaussianNoise(hidden_noise, self.noise_source) for _ in self.convolutions
        )
        height, width = self.image_shape[1:]
        # Two stride-2 convs, the one-pixel pad, one more stride-2 conv.
        height = conv_output_size(conv_output_size(height, 2) + 1, 1)
        width = conv_output_size(conv_output_size(width, 2) + 1, 1)
        n_flat = c3 * height * width
        self.real_fake = nn.Linear(n_flat, 1)
        self.classes = nn.Linear(n_flat, n_classes + 1)
        for layer in [*self.convolutions, self.real_fake, self.classes]:
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)

    def _block(self, h, index, dtype):
        conv = self.convolutions[index]
        h = conv._conv_forward(h, conv.weight.to(dtype), conv.bias.to(dtype))
        if index == 1:
            h = F.pad(h, (0, 1, 0, 1))
        h = self.hidden_noise[index](self.dropout(F.leaky_relu(h, 0.2)))
        if index in (1, 2):
            norm = self.norms[index - 1]
            h = norm(h.to(norm.weight.dtype)).to(dtype)
        return h

    def features(self, x):
        dtype = self.compute_dtype if self.training else x.dtype
        h = self.input_noise(x.view(len(x), *self.image_shape).to(dtype))
        for index in range(len(self.convolutions)):
            h = self._block(h, index, dtype)
        return h.flatten(1).to(x.dtype)

    def forward(self, x, return_features=False):
        features = self.features(x)
        head = self.classes(features)
        logits = head[:, :-1] - head[:, -1:]
        if return_features:
            return logits, features
        return logits

    def real_fake_logit(self, features):
        """Logit of the sigmoid real/fake head, from :meth:`forward`'s features."""
        return self.real_fake(features).squeeze(1)


class OriginalGenerator(_ImageGenerator):
    """The Keras SGAN script's generator.

    Dense(``c0 * h/4 * w/4``, ReLU) -> reshape -> BatchNorm -> upsample x2 ->
    Conv 3x3 ``c0``, ReLU, BatchNorm -> upsample x2 -> Conv 3x3 ``c1``, ReLU,
    BatchNorm -> Conv 3x3 (image channels) -> tanh, with ``hidden_layer_sizes
    = (c0, c1)`` (the script's 128, 64). The tanh output in [-1, 1] is mapped
    onto the per-pixel range of the training data, as the script's pixels
    scaled to [-1, 1] are.
    """

    squash = staticmethod(_unit_tanh)

    def __init__(
        self, latent_dim, image_shape, hidden_layer_sizes, low, high, compute_dtype=torch.float32
    ):
        super().__init__()
        self._init_box(latent_dim, image_shape, low, high, compute_dtype)
        c0, c1 = hidden_layer_sizes
        self.base_shape = (c0, *(_base_side(s, 2) for s in self.image_shape[1:]))
        self.project = nn.Linear(latent_dim, math.prod(self.base_shape))
        momentum, eps = 0.2, 1e-3
        self.body = nn.Sequential(
            nn.BatchNorm2d(c0, momentum=momentum, eps=eps),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(c0, c0, 3, padding=1),
            nn.ReLU(),
            nn.BatchNorm2d(c0, momentum=momentum, eps=eps),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(c0, c1, 3, padding=1),
            nn.ReLU(),
            nn.BatchNorm2d(c1, momentum=momentum, eps=eps),
            nn.Conv2d(c1, self.image_shape[0], 3, padding=1),
        )
        for layer in [self.project, *(m for m in self.body if isinstance(m, nn.Conv2d))]:
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)

    def pre_activation(self, z, dtype):
        h = F.relu(
            F.linear(z.to(dtype), self.project.weight.to(dtype), self.project.bias.to(dtype))
        )
        return _run_in_dtype(self.body, h.view(len(z), *self.base_shape), dtype)

    def sample_noise(self, n_samples, device, generator=None):
        """The script's noise: standard normal, not uniform."""
        return torch.randn(n_samples, self.latent_dim, device=device, generator=generator)
