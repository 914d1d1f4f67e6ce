"""The MNIST ceiling script's carry-over of a shorter run to a longer budget, and its
label draws."""

import json

import numpy as np
import pytest

from benchmarks import mnist_ceiling


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist_ceiling, "RESULTS_DIR", tmp_path)
    (tmp_path / "checkpoints").mkdir()
    return tmp_path


def write_run(results, tag, epochs, last_epoch, suffix=".pkl"):
    stem = mnist_ceiling.run_stem(tag, epochs, 0)
    rows = [{"epoch": e, "validation": 0.9, "test": 0.9} for e in range(1, last_epoch + 1)]
    (results / f"{stem}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (results / f"{stem}.json").write_text(json.dumps({"tag": tag, "epochs": epochs}))
    (results / "checkpoints" / f"{stem}{suffix}").write_bytes(b"model")


def test_carry_over_copies_a_finished_constant_rate_run(results):
    tag = "improved_gan_script_pieces"
    write_run(results, tag, 150, 150)
    mnist_ceiling.carry_over(tag, 0, 150, 300)
    stem = mnist_ceiling.run_stem(tag, 300, 0)
    assert len(mnist_ceiling.read_curve(results / f"{stem}.jsonl")) == 150
    assert (results / "checkpoints" / f"{stem}.pkl").read_bytes() == b"model"
    meta = json.loads((results / f"{stem}.json").read_text())
    assert meta["carried_over_from"]["epochs"] == 150
    # The shorter run keeps its files.
    assert (results / f"{mnist_ceiling.run_stem(tag, 150, 0)}.jsonl").exists()
    # A second carry-over would overwrite the longer run's progress: refused.
    with pytest.raises(SystemExit, match="exists"):
        mnist_ceiling.carry_over(tag, 0, 150, 300)


def test_carry_over_refuses_a_decaying_rate_or_an_unfinished_run(results):
    write_run(results, "large_data", 150, 150, suffix=".sgan")
    with pytest.raises(SystemExit, match="constant learning rate"):
        mnist_ceiling.carry_over("large_data", 0, 150, 300)
    write_run(results, "improved_gan", 150, 120, suffix=".sgan")
    with pytest.raises(SystemExit, match="has not reached epoch 150"):
        mnist_ceiling.carry_over("improved_gan", 0, 150, 300)


def test_the_scripts_label_draw_is_the_ports_and_its_runs_are_named_apart():
    y = np.random.default_rng(0).integers(0, 10, size=2_000)
    partial = mnist_ceiling.script_draw(y, seed=3)
    labeled = np.flatnonzero(partial != -1)
    np.testing.assert_array_equal(np.bincount(partial[labeled], minlength=10), np.full(10, 10))
    np.testing.assert_array_equal(partial[labeled], y[labeled])
    # The first 10 rows of each class in the seed's permutation of the rows.
    order = np.random.RandomState(3).permutation(len(y))
    for c in range(10):
        np.testing.assert_array_equal(np.sort(order[y[order] == c][:10]), labeled[y[labeled] == c])
    assert not np.array_equal(partial, mnist_ceiling.script_draw(y, seed=4))
    stems = {mnist_ceiling.run_stem("large_data", 150, 1, draw) for draw in ("protocol", "script")}
    assert len(stems) == 2
