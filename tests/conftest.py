"""Shared test settings and helpers."""

import io
import pickle

import pytest
import torch


@pytest.fixture(autouse=True, scope="session")
def _single_torch_thread():
    # The test networks are tiny: one thread is faster than two and keeps the
    # suite's timings stable on a shared 2-core machine.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _tensors_outside_cuda_mapped_attributes(net):
    """Tensors a pickle of ``net`` would hold outside the attributes skorch maps to the CPU."""
    plain_state = {
        key: value
        for key, value in vars(net).items()
        if not any(key.startswith(prefix) for prefix in net.cuda_dependent_attributes_)
    }
    found = []

    class FindTensors(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, torch.Tensor):
                found.append(obj)
            return None

    FindTensors(io.BytesIO()).dump(plain_state)
    return found


@pytest.fixture
def tensors_outside_cuda_mapped_attributes():
    return _tensors_outside_cuda_mapped_attributes
