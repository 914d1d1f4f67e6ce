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


def training_dtype(precision, device):
    """The dtype of the discriminator's hidden matrix multiplies while training.

    ``"auto"`` picks bfloat16 on CPUs that multiply it natively and float32
    everywhere else (CUDA included, where the bfloat16 path is not measured).
    The choice depends on the CPU, never on a timing, so a seeded fit makes the
    same choice every time on the same machine.
    """
    if precision == "float32":
        return torch.float32
    if precision == "bfloat16":
        return torch.bfloat16
    if torch.device(device).type == "cpu" and cpu_multiplies_bfloat16_natively():
        return torch.bfloat16
    return torch.float32
