"""Inference with the fitted networks: batched float64 logits, generated rows, and the
torch thread count and seed that prediction and fitting share."""

import copy
from contextlib import contextmanager

import numpy as np
import torch


@contextmanager
def torch_threads(n_threads):
    """Use ``n_threads`` torch CPU threads inside the block (None: leave as is)."""
    previous = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def torch_seed(random_state):
    """A 63-bit seed from ``random_state`` without touching global RNG state."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**63 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    return int(random_state)


def log_real_probability(logits):
    """``log P(real | x) = lse(l) - softplus(lse(l))`` for class logits ``l`` (fake logit 0)."""
    return torch.nn.functional.logsigmoid(torch.logsumexp(logits, dim=1))


def transformed_logits(
    net, discriminator, X_scaled, transform, row_shape, n_threads, with_features=False
):
    """``transform`` of ``discriminator``'s logits of the rows, ``row_shape`` per row.

    ``transform`` maps a float64 batch of logits to one array per row; with
    ``with_features``, a batch of logits and the last hidden layer's output.
    """
    # Inference runs in float64 on a copy of the averaged weights: in float32,
    # which rows share a batch changes the matmul's summation order and the
    # probabilities by ~1e-8, so that a row's prediction depended on its
    # neighbours (scikit-learn's check_methods_sample_order_invariance failed).
    # float64 brings that down to ~1e-16; the copy costs a few MB at most.
    discriminator = copy.deepcopy(discriminator).double().eval()
    batches = net.get_iterator(X_scaled, training=False)
    # Filled batch by batch: collecting per-batch arrays and concatenating them
    # doubled the output and fragmented the heap, so that fit's resident
    # memory grew to ~5x the input on glibc.
    out = np.empty((X_scaled.shape[0], *row_shape))
    start = 0
    with torch.inference_mode(), torch_threads(n_threads):
        for x in batches:
            if with_features:
                logits, features = discriminator(x.double(), return_features=True)
                rows = transform(logits, features)
            else:
                logits = discriminator(x.double())
                rows = transform(logits)
            out[start : start + len(logits)] = rows.cpu()
            start += len(logits)
    return out


def generated_rows(generator, n_samples, random_state, n_threads):
    """``n_samples`` rows of ``generator`` in its scaled space, seeded by ``random_state``."""
    noise_source = torch.Generator().manual_seed(torch_seed(random_state))
    # A float64 copy on the CPU: the fitted generator is left as it is (also
    # in the middle of a fit, for SampleGrid), and a seed gives the same rows
    # whichever device trained the model.
    generator_copy = copy.deepcopy(generator).to("cpu", torch.float64).eval()
    with torch.inference_mode(), torch_threads(n_threads):
        sample_noise = getattr(generator_copy, "sample_noise", None)
        if sample_noise is None:  # a user's generator with a latent_dim only
            shape = (n_samples, generator_copy.latent_dim)
            noise = torch.rand(shape, generator=noise_source, dtype=torch.float64)
        else:
            noise = sample_noise(n_samples, "cpu", generator=noise_source)
        return generator_copy(noise.double()).numpy()
