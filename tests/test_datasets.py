import functools
import gzip
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks._datasets import load_adult, load_letter, load_mnist, read_idx

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

MNIST_STEMS = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def idx_bytes(array, magic=None):
    """Return the IDX encoding of a uint8 array, optionally with another magic number."""
    if magic is None:
        magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(size.to_bytes(4, "big") for size in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_file(path, content, compress):
    """Write ``content`` to ``path``, gzip-compressed under a '.gz' name if asked."""
    if compress:
        path = path.with_name(path.name + ".gz")
        content = gzip.compress(content)
    path.write_bytes(content)
    return path


def small_mnist(rng, n_train=6, n_test=3, image_shape=(4, 5)):
    """Return small random MNIST-like arrays keyed like MNIST_STEMS."""
    return {
        "train_images": rng.integers(0, 256, size=(n_train, *image_shape), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, size=n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, size=(n_test, *image_shape), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, size=n_test, dtype=np.uint8),
    }


def write_mnist(folder, arrays, compress=True):
    """Write the four MNIST IDX files of ``arrays`` into ``folder``."""
    return {
        key: write_file(folder / MNIST_STEMS[key], idx_bytes(array), compress)
        for key, array in arrays.items()
    }


@pytest.fixture
def mnist_folder(tmp_path):
    arrays = small_mnist(np.random.default_rng(0))
    files = write_mnist(tmp_path, arrays)
    return tmp_path, arrays, files


# %% read_idx


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "raw"])
@pytest.mark.parametrize("shape", [(7,), (3, 4, 5)], ids=["labels-0x801", "images-0x803"])
def test_read_idx_round_trip(tmp_path, compress, shape):
    array = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    file = write_file(tmp_path / "data-idx-ubyte", idx_bytes(array), compress)

    result = read_idx(str(file))

    assert result.dtype == np.uint8
    assert result.flags.writeable
    np.testing.assert_array_equal(result, array)


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent-idx1-ubyte"):
        read_idx(tmp_path / "absent-idx1-ubyte")


@pytest.mark.parametrize(
    "magic, expected",
    [(0x00000C01, "0x00000C01"), (0x12345678, "0x12345678"), (0x00000800, "0x00000800")],
    ids=["int32-type", "not-idx", "zero-dims"],
)
def test_read_idx_bad_magic_number(tmp_path, magic, expected):
    file = write_file(
        tmp_path / "labels-idx1-ubyte", idx_bytes(np.zeros(3, np.uint8), magic), False
    )
    with pytest.raises(ValueError, match=rf"labels-idx1-ubyte.*magic number is {expected}"):
        read_idx(file)


def test_read_idx_gzip_content_under_raw_name_suggests_extension(tmp_path):
    file = tmp_path / "labels-idx1-ubyte"
    file.write_bytes(gzip.compress(idx_bytes(np.zeros(3, np.uint8))))
    with pytest.raises(ValueError, match="name ends in '.gz'"):
        read_idx(file)


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "raw"])
@pytest.mark.parametrize("n_data_bytes", [59, 61], ids=["truncated", "trailing-bytes"])
def test_read_idx_size_does_not_match_header(tmp_path, compress, n_data_bytes):
    content = idx_bytes(np.zeros((3, 4, 5), np.uint8))[: 16 + n_data_bytes]
    content += bytes(max(0, 16 + n_data_bytes - len(content)))
    file = write_file(tmp_path / "images-idx3-ubyte", content, compress)
    with pytest.raises(
        ValueError,
        match=rf"truncated or corrupt.*shape \(3, 4, 5\).*60 data bytes.*holds {n_data_bytes}",
    ):
        read_idx(file)


@pytest.mark.parametrize(
    "content, expected",
    [(b"\x00\x00", "holds 2 bytes"), (bytes([0, 0, 8, 3, 0, 0, 0, 1]), "3 dimensions")],
    ids=["no-magic", "short-header"],
)
def test_read_idx_truncated_header(tmp_path, content, expected):
    file = write_file(tmp_path / "images-idx3-ubyte", content, False)
    with pytest.raises(ValueError, match=rf"truncated.*{expected}"):
        read_idx(file)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda compressed: b"not a gzip stream at all",
        lambda compressed: compressed[: len(compressed) // 2],
        lambda compressed: compressed[:12] + bytes(len(compressed) - 12),
    ],
    ids=["not-gzip", "truncated-stream", "zeroed-payload"],
)
def test_read_idx_corrupt_gzip(tmp_path, corrupt):
    compressed = gzip.compress(idx_bytes(np.arange(200, dtype=np.uint8)))
    file = tmp_path / "labels-idx1-ubyte.gz"
    file.write_bytes(corrupt(compressed))
    with pytest.raises(ValueError, match=r"Gzip file '.*labels-idx1-ubyte.gz' is corrupt"):
        read_idx(file)


# %% load_mnist


def test_load_mnist_bunch(mnist_folder):
    folder, arrays, _ = mnist_folder

    mnist = load_mnist(folder)

    assert set(mnist) == {
        "data_train",
        "target_train",
        "data_test",
        "target_test",
        "images_shape",
    }
    assert mnist.images_shape == (4, 5)
    assert mnist.data_train.shape == (6, 20)
    assert mnist.data_test.shape == (3, 20)
    assert mnist.data_train.dtype == mnist.data_test.dtype == np.uint8
    assert mnist.target_train.dtype == mnist.target_test.dtype == np.int64
    np.testing.assert_array_equal(
        mnist.data_train.reshape(-1, *mnist.images_shape), arrays["train_images"]
    )
    np.testing.assert_array_equal(
        mnist.data_test.reshape(-1, *mnist.images_shape), arrays["test_images"]
    )
    np.testing.assert_array_equal(mnist.target_train, arrays["train_labels"])
    np.testing.assert_array_equal(mnist.target_test, arrays["test_labels"])


def test_load_mnist_return_X_y(mnist_folder):
    folder, _, _ = mnist_folder
    mnist = load_mnist(folder)

    X_train, y_train, X_test, y_test = load_mnist(folder, return_X_y=True)

    for array, expected in zip(
        (X_train, y_train, X_test, y_test),
        (mnist.data_train, mnist.target_train, mnist.data_test, mnist.target_test),
        strict=True,
    ):
        assert array.dtype == expected.dtype
        np.testing.assert_array_equal(array, expected)


def test_load_mnist_raw_and_mixed_files(tmp_path):
    arrays = small_mnist(np.random.default_rng(1))
    write_mnist(tmp_path, {k: v for k, v in arrays.items() if "train" in k}, compress=False)
    write_mnist(tmp_path, {k: v for k, v in arrays.items() if "test" in k}, compress=True)

    mnist = load_mnist(tmp_path)

    np.testing.assert_array_equal(mnist.data_train.reshape(6, 4, 5), arrays["train_images"])
    np.testing.assert_array_equal(mnist.target_test, arrays["test_labels"])


def test_load_mnist_prefers_gzip_file(mnist_folder):
    folder, arrays, _ = mnist_folder
    raw_labels = (arrays["train_labels"] + 1) % 10
    write_file(folder / MNIST_STEMS["train_labels"], idx_bytes(raw_labels), False)

    np.testing.assert_array_equal(load_mnist(folder).target_train, arrays["train_labels"])


def test_load_mnist_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"MNIST folder '.*absent' does not exist"):
        load_mnist(tmp_path / "absent")


def test_load_mnist_path_is_a_file(mnist_folder):
    _, _, files = mnist_folder
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        load_mnist(files["train_labels"])


@pytest.mark.parametrize("missing", list(MNIST_STEMS))
def test_load_mnist_missing_file(mnist_folder, missing):
    folder, _, files = mnist_folder
    files[missing].unlink()
    stem = MNIST_STEMS[missing]
    with pytest.raises(FileNotFoundError, match=rf"lacks '{stem}.gz' or '{stem}'\."):
        load_mnist(folder)


def test_load_mnist_lists_every_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError) as excinfo:
        load_mnist(tmp_path)
    for stem in MNIST_STEMS.values():
        assert f"'{stem}.gz' or '{stem}'" in str(excinfo.value)


def test_load_mnist_corrupt_file_names_it(mnist_folder):
    folder, _, files = mnist_folder
    files["test_images"].write_bytes(files["test_images"].read_bytes()[:-10])
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.gz"):
        load_mnist(folder)


@pytest.mark.parametrize("split", ["train", "test"])
def test_load_mnist_count_mismatch(tmp_path, split):
    arrays = small_mnist(np.random.default_rng(0))
    arrays[f"{split}_labels"] = arrays[f"{split}_labels"][:-1]
    write_mnist(tmp_path, arrays)
    prefix = "train" if split == "train" else "t10k"
    with pytest.raises(
        ValueError,
        match=rf"{prefix}-images-idx3-ubyte.gz' holds \d+ images but "
        rf"'.*{prefix}-labels-idx1-ubyte.gz' holds \d+ labels",
    ):
        load_mnist(tmp_path)


@pytest.mark.parametrize(
    "replaced, by, expected",
    [
        ("train_images", "train_labels", "1-dimensional array where MNIST images"),
        ("test_labels", "test_images", "3-dimensional array where MNIST labels"),
    ],
)
def test_load_mnist_swapped_files(tmp_path, replaced, by, expected):
    arrays = small_mnist(np.random.default_rng(0))
    arrays[replaced] = arrays[by]
    write_mnist(tmp_path, arrays)
    with pytest.raises(ValueError, match=rf"{MNIST_STEMS[replaced]}.gz' holds a {expected}"):
        load_mnist(tmp_path)


def test_load_mnist_train_test_image_shapes_differ(tmp_path):
    rng = np.random.default_rng(0)
    arrays = small_mnist(rng)
    arrays["test_images"] = rng.integers(0, 256, size=(3, 5, 4), dtype=np.uint8)
    write_mnist(tmp_path, arrays)
    with pytest.raises(ValueError, match=r"holds \(4, 5\) images but .* holds \(5, 4\)"):
        load_mnist(tmp_path)


# %% load_adult

ADULT_DATA = """\
39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K
50, ?, 83311, Bachelors, 13, Married-civ-spouse, ?, Husband, White, Male, 0, 0, 13, ?, >50K
38, Private, 215646, HS-grad, 9, Divorced, Handlers-cleaners, Not-in-family, Black, Female, 0, 0, 40, Cuba, <=50K

"""  # noqa: E501

ADULT_TEST = """\
|1x3 Cross validator
25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Male, 0, 0, 40, Peru, <=50K.
44, Self-emp-inc, 160323, Some-college, 10, Married-civ-spouse, ?, Husband, Black, Male, 7688, 0, 40, United-States, >50K.

"""  # noqa: E501


def write_adult(folder, data=ADULT_DATA, test=ADULT_TEST):
    (folder / "adult.data").write_text(data)
    (folder / "adult.test").write_text(test)


def test_load_adult_synthetic(tmp_path):
    import pandas as pd

    write_adult(tmp_path)

    adult = load_adult(tmp_path)

    assert adult.feature_names == [
        "age",
        "workclass",
        "fnlwgt",
        "education",
        "education-num",
        "marital-status",
        "occupation",
        "relationship",
        "race",
        "sex",
        "capital-gain",
        "capital-loss",
        "hours-per-week",
        "native-country",
    ]
    assert sorted(adult.categorical_features + adult.numeric_features) == sorted(
        adult.feature_names
    )
    assert len(adult.categorical_features) == 8
    assert adult.frame_train.shape == (3, 14)
    assert adult.frame_test.shape == (2, 14)
    for frame in (adult.frame_train, adult.frame_test):
        assert list(frame.columns) == adult.feature_names
        for column in adult.numeric_features:
            assert pd.api.types.is_integer_dtype(frame[column])
        for column in adult.categorical_features:
            assert isinstance(frame[column].dtype, pd.CategoricalDtype)
    assert adult.frame_train["age"].tolist() == [39, 50, 38]
    assert adult.frame_test["capital-gain"].tolist() == [0, 7688]
    assert adult.frame_train.loc[0, "workclass"] == "State-gov"
    assert adult.frame_test.loc[0, "native-country"] == "Peru"
    assert adult.frame_train.loc[1, ["workclass", "occupation", "native-country"]].isna().all()
    assert adult.frame_train.isna().sum().sum() == 3
    assert adult.frame_test.isna().sum().sum() == 1
    assert adult.target_train.tolist() == ["<=50K", ">50K", "<=50K"]
    assert adult.target_test.tolist() == ["<=50K", ">50K"]


def test_load_adult_shares_categories_between_train_and_test(tmp_path):
    write_adult(tmp_path)

    adult = load_adult(tmp_path)

    for column in adult.categorical_features:
        assert adult.frame_train[column].dtype == adult.frame_test[column].dtype
    assert "Peru" in adult.frame_train["native-country"].cat.categories
    assert adult.target_train.dtype == adult.target_test.dtype
    assert list(adult.target_train.cat.categories) == ["<=50K", ">50K"]


def test_load_adult_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Adult folder '.*absent' does not exist"):
        load_adult(tmp_path / "absent")


@pytest.mark.parametrize(
    "removed, expected",
    [
        (["adult.data"], "lacks 'adult.data'"),
        (["adult.test"], "lacks 'adult.test'"),
        (["adult.data", "adult.test"], "lacks 'adult.data' and 'adult.test'"),
    ],
)
def test_load_adult_missing_file(tmp_path, removed, expected):
    write_adult(tmp_path)
    for name in removed:
        (tmp_path / name).unlink()
    with pytest.raises(FileNotFoundError, match=expected):
        load_adult(tmp_path)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (", >50K\n", ", >60K\n", r"labels other than.*found \['>60K'\]"),
        (", 77516,", ", 77516, extra,", "adult.data' is malformed"),
        (", 83311,", ", 83311, extra,", "adult.data' is malformed"),
        ("39, State-gov", "thirty-nine, State-gov", "Column 'age' of Adult file"),
        ("50, ?, 83311", "?, ?, 83311", "Column 'age' of Adult file"),
    ],
    ids=[
        "bad-label",
        "extra-field-first-line",
        "extra-field-later-line",
        "non-numeric",
        "missing-numeric",
    ],
)
def test_load_adult_malformed_data(tmp_path, old, new, expected):
    assert old in ADULT_DATA
    write_adult(tmp_path, data=ADULT_DATA.replace(old, new, 1))
    with pytest.raises(ValueError, match=expected):
        load_adult(tmp_path)


@pytest.mark.parametrize(
    "label, expected",
    [("?", r"found \['missing'\]"), ("", r"found \[''\]")],
    ids=["question-mark", "no-label-field"],
)
def test_load_adult_missing_label_names_test_file(tmp_path, label, expected):
    write_adult(tmp_path, test=ADULT_TEST.replace(", >50K.", f", {label}" if label else "", 1))
    with pytest.raises(ValueError, match=rf"adult.test' has labels other than.*{expected}"):
        load_adult(tmp_path)


def test_load_adult_without_pandas(tmp_path, monkeypatch):
    write_adult(tmp_path)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="load_adult requires pandas.*pip install pandas"):
        load_adult(tmp_path)


# %% load_letter


def letter_lines(n_rows=20000, seed=0):
    """Random lines in the UCI Letter format: a capital letter, then 16 integers in 0-15."""
    return list(_letter_lines(n_rows, seed))


@functools.lru_cache
def _letter_lines(n_rows, seed):
    rng = np.random.default_rng(seed)
    letters = rng.integers(ord("A"), ord("Z") + 1, size=n_rows)
    values = rng.integers(0, 16, size=(n_rows, 16))
    return tuple(
        ",".join([chr(letter), *map(str, row)]) for letter, row in zip(letters, values.tolist())
    )


def write_letter(folder, lines, trailer="\n"):
    (folder / "letter-recognition.data").write_text("\n".join(lines) + trailer)


def test_load_letter_synthetic(tmp_path):
    lines = letter_lines()
    write_letter(tmp_path, lines)

    letter = load_letter(tmp_path)

    assert letter.data_train.shape == (16000, 16)
    assert letter.data_test.shape == (4000, 16)
    assert letter.data_train.dtype == np.uint8
    assert letter.feature_names[:3] == ["x-box", "y-box", "width"]
    assert len(letter.feature_names) == 16
    first, last = lines[0].split(","), lines[-1].split(",")
    assert letter.target_train[0] == first[0]
    assert letter.data_train[0].tolist() == [int(value) for value in first[1:]]
    assert letter.target_test[-1] == last[0]
    assert letter.data_test[-1].tolist() == [int(value) for value in last[1:]]
    # The split is positional: line 16,001 opens the test set.
    assert letter.target_test[0] == lines[16000][0]
    assert letter.target_train.shape == (16000,) and letter.target_test.shape == (4000,)


@pytest.mark.parametrize("trailer", ["", "\n", "\n\n"], ids=["none", "newline", "blank-line"])
def test_load_letter_return_X_y_and_trailing_newlines(tmp_path, trailer):
    write_letter(tmp_path, letter_lines(), trailer=trailer)

    X_train, y_train, X_test, y_test = load_letter(tmp_path, return_X_y=True)

    bunch = load_letter(tmp_path)
    np.testing.assert_array_equal(X_train, bunch.data_train)
    np.testing.assert_array_equal(y_test, bunch.target_test)
    assert X_test.shape == (4000, 16) and y_train.shape == (16000,)


def test_load_letter_missing_folder_and_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Letter folder '.*absent' does not exist"):
        load_letter(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="lacks 'letter-recognition.data'"):
        load_letter(tmp_path)


@pytest.mark.parametrize(
    "line, number",
    [
        ("T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0", 7),
        ("T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,8,1", 7),
        ("t,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,8", 7),
        ("T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,16", 20000),
        ("T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,-1", 1),
        ("T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,x", 7),
    ],
    ids=["15-values", "17-values", "lowercase-class", "value-16", "negative", "not-a-number"],
)
def test_load_letter_malformed_line_names_it(tmp_path, line, number):
    lines = letter_lines()
    lines[number - 1] = line
    write_letter(tmp_path, lines)
    with pytest.raises(ValueError, match=rf"Line {number} of Letter file .* is malformed"):
        load_letter(tmp_path)


def test_load_letter_wrong_row_count(tmp_path):
    write_letter(tmp_path, letter_lines(n_rows=19999))
    with pytest.raises(ValueError, match="holds 19999 lines, not the 20000"):
        load_letter(tmp_path)


# %% the real offline data


@pytest.mark.skipif(not (SHARED_DATA / "mnist").is_dir(), reason="offline MNIST not present")
def test_load_mnist_real_data():
    mnist = load_mnist(SHARED_DATA / "mnist")

    assert mnist.data_train.shape == (60000, 784)
    assert mnist.data_test.shape == (10000, 784)
    assert mnist.images_shape == (28, 28)
    assert mnist.data_train.max() == 255
    assert np.bincount(mnist.target_train).tolist() == [
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949
    ]  # fmt: skip
    assert np.bincount(mnist.target_test).tolist() == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009
    ]  # fmt: skip


@pytest.mark.skipif(not (SHARED_DATA / "adult").is_dir(), reason="offline Adult not present")
def test_load_adult_real_data():
    adult = load_adult(SHARED_DATA / "adult")

    assert adult.frame_train.shape == (32561, 14)
    assert adult.frame_test.shape == (16281, 14)
    assert adult.target_train.value_counts().to_dict() == {"<=50K": 24720, ">50K": 7841}
    assert adult.target_test.value_counts().to_dict() == {"<=50K": 12435, ">50K": 3846}
    assert adult.frame_train.isna().any(axis=1).sum() == 2399
    assert adult.frame_test.isna().any(axis=1).sum() == 1221


@pytest.mark.skipif(not (SHARED_DATA / "letter").is_dir(), reason="offline Letter not present")
def test_load_letter_real_data():
    letter = load_letter(SHARED_DATA / "letter")

    assert letter.data_train.shape == (16000, 16)
    assert letter.data_test.shape == (4000, 16)
    # The first line of the UCI file.
    assert letter.target_train[0] == "T"
    assert letter.data_train[0].tolist() == [2, 8, 3, 5, 1, 8, 13, 0, 6, 6, 10, 8, 0, 8, 0, 8]
    y = np.concatenate([letter.target_train, letter.target_test])
    classes, counts = np.unique(y, return_counts=True)
    assert "".join(classes) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert counts.min() == 734 and counts.max() == 813
