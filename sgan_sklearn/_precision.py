"""Which floating-point precision the training step multiplies matrices in."""

import functools

import torch

PRECISIONS = ("auto", "float32", "bfloat16")


@functools.cache
def cpu_multiplies_bfloat16_natively():
    """Whether this CPU has bfloat16 matrix instructions (AMX-BF16 or AVX512-BF16).

    With them, oneDNN multiplies bfloat16 matrices 2 to 6 times faster than
    float32 ones; without them, bfloat16 is emulated and slower than float32.
    """
    try:
        capabilities = torch.cpu.get_capabilities()
    except (AttributeError, RuntimeError):
        return False
    return bool(capabilities.get("amx_bf16") or capabilities.get("avx512_bf16"))


# "auto" multiplies in bfloat16 from this input width on: below it the matrices
# are too small for the faster multiplies to outweigh the slower bfloat16
# element-wise operations (measured in benchmarks/profile_step.py).
BFLOAT16_MIN_FEATURES = 256


def training_dtype(precision, device, n_features):
    """The dtype of the networks' matrix multiplies while training.

    ``"auto"`` picks bfloat16 for inputs of at least ``BFLOAT16_MIN_FEATURES``
    features on CPUs that multiply it natively, and float32 everywhere else
    (CUDA included, where the bfloat16 path is not measured). The choice
    depends on the CPU and the data's shape, never on a timing, so a seeded fit
    makes the same choice every time on the same machine.
    """
    if precision == "float32":
        return torch.float32
    if precision == "bfloat16":
        return torch.bfloat16
    if (
        torch.device(device).type == "cpu"
        and n_features >= BFLOAT16_MIN_FEATURES
        and cpu_multiplies_bfloat16_natively()
    ):
        return torch.bfloat16
    return torch.float32
