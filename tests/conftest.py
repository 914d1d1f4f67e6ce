"""Shared test settings."""

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
