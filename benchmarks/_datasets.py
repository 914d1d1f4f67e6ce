"""Loaders for the offline benchmark datasets (MNIST, UCI Adult, UCI Letter).

Nothing is downloaded: every loader reads files that are already on disk and
fails with an error that names the file at fault and how to fix it.
"""

import gzip
import math
import warnings
import zlib
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_adult", "load_letter", "load_mnist", "read_idx"]

_IDX_UNSIGNED_BYTE = 0x08

_MNIST_FILES = {
    "data_train": "train-images-idx3-ubyte",
    "target_train": "train-labels-idx1-ubyte",
    "data_test": "t10k-images-idx3-ubyte",
    "target_test": "t10k-labels-idx1-ubyte",
}

_ADULT_NUMERIC_FEATURES = [
    "age",
    "fnlwgt",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
]
_ADULT_CATEGORICAL_FEATURES = [
    "workclass",
    "education",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native-country",
]
# Column order of adult.data / adult.test, as listed in adult.names.
_ADULT_FEATURE_NAMES = [
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
_ADULT_TARGET_NAME = "income"
_LETTER_FILE = "letter-recognition.data"
# Attribute names of letter-recognition.names, in file order (after the class).
_LETTER_FEATURE_NAMES = [
    "x-box",
    "y-box",
    "width",
    "high",
    "onpix",
    "x-bar",
    "y-bar",
    "x2bar",
    "y2bar",
    "xybar",
    "x2ybr",
    "xy2br",
    "x-ege",
    "xegvy",
    "y-ege",
    "yegvx",
]
_LETTER_N_ROWS, _LETTER_N_TRAIN = 20000, 16000
_ADULT_CLASSES = ["<=50K", ">50K"]


def read_idx(file):
    """Read one IDX file of unsigned bytes, gzip-compressed or raw.

    The IDX format (used by MNIST) is a big-endian header -- a magic number
    ``0x000008NN`` where ``NN`` is the number of dimensions, then one uint32
    per dimension -- followed by the values in row-major order.

    Parameters
    ----------
    file : str or path-like
        Path of the file. A name ending in ``.gz`` is decompressed with gzip;
        any other name is read as raw IDX.

    Returns
    -------
    array : ndarray of dtype uint8
        The values, with the shape given by the header, e.g.
        ``(60000, 28, 28)`` for MNIST training images or ``(60000,)`` for
        its labels.

    Raises
    ------
    FileNotFoundError
        If ``file`` does not exist.
    ValueError
        If the gzip stream is corrupt, the magic number is not that of an IDX
        file of unsigned bytes, or the file size does not match the shape
        announced by its header (a truncated or corrupt file).

    Examples
    --------
    >>> import gzip, tempfile
    >>> from pathlib import Path
    >>> from benchmarks._datasets import read_idx
    >>> header = bytes([0, 0, 8, 1, 0, 0, 0, 3])
    >>> file = Path(tempfile.mkdtemp()) / "labels-idx1-ubyte.gz"
    >>> _ = file.write_bytes(gzip.compress(header + bytes([7, 2, 1])))
    >>> read_idx(file)
    array([7, 2, 1], dtype=uint8)
    """
    file = Path(file)
    if not file.is_file():
        raise FileNotFoundError(f"IDX file '{file}' does not exist; check the path.")
    content = _read_maybe_gzip(file)

    if len(content) < 4:
        raise ValueError(
            f"IDX file '{file}' is truncated: it holds {len(content)} bytes, fewer than "
            "the 4-byte magic number. Replace it with an intact copy."
        )
    magic = int.from_bytes(content[:4], "big")
    n_dims = magic & 0xFF
    if magic >> 8 != _IDX_UNSIGNED_BYTE or n_dims == 0:
        raise ValueError(
            f"File '{file}' is not an IDX file of unsigned bytes: its magic number is "
            f"0x{magic:08X}, expected 0x000008NN with NN the number of dimensions "
            "(0x00000801 for labels, 0x00000803 for images). Check that the file is "
            "an IDX file and, if it is compressed, that its name ends in '.gz'."
        )

    header_size = 4 + 4 * n_dims
    if len(content) < header_size:
        raise ValueError(
            f"IDX file '{file}' is truncated: its header announces {n_dims} dimensions "
            f"({header_size} header bytes) but the file holds {len(content)} bytes. "
            "Replace it with an intact copy."
        )
    shape = tuple(int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(n_dims))
    n_values = math.prod(shape)
    n_data_bytes = len(content) - header_size
    if n_data_bytes != n_values:
        raise ValueError(
            f"IDX file '{file}' is truncated or corrupt: its header announces shape "
            f"{shape}, i.e. {n_values} data bytes, but the file holds {n_data_bytes}. "
            "Replace it with an intact copy (the data README lists checksums)."
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def _read_maybe_gzip(file):
    """Return the bytes of ``file``, decompressed when its name ends in ``.gz``."""
    if file.suffix != ".gz":
        return file.read_bytes()
    try:
        return gzip.decompress(file.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(
            f"Gzip file '{file}' is corrupt or truncated ({exc}). Replace it with an "
            "intact copy, or, if it is not compressed, remove the '.gz' extension."
        ) from exc


def _check_folder(path, dataset, expected):
    """Return ``path`` as a Path, raising if it is not an existing folder."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(
            f"{dataset} folder '{path}' does not exist or is not a folder; pass the "
            f"folder that holds {expected}."
        )
    return path


def _find_mnist_file(folder, stem):
    """Return the gzip or raw file for ``stem`` in ``folder``, or None."""
    for name in (f"{stem}.gz", stem):
        if (folder / name).is_file():
            return folder / name
    return None


def load_mnist(path, *, return_X_y=False):
    """Load MNIST from its four IDX files in a local folder.

    Nothing is downloaded. Each file may be gzip-compressed (name ending in
    ``.gz``) or raw (no extension); when both exist the ``.gz`` file is read.

    Parameters
    ----------
    path : str or path-like
        Folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each with or
        without the ``.gz`` extension.

    return_X_y : bool, default=False
        If True, return ``(X_train, y_train, X_test, y_test)`` instead of a
        Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data_train : ndarray of shape (60000, 784), dtype uint8
            Training images, one flattened row-major image per row, pixel
            values 0-255 with 0 as the background.
        target_train : ndarray of shape (60000,), dtype int64
            Training labels 0-9.
        data_test : ndarray of shape (10000, 784), dtype uint8
            Test images.
        target_test : ndarray of shape (10000,), dtype int64
            Test labels 0-9.
        images_shape : tuple of int
            Shape of one image, ``(28, 28)`` for MNIST; reshape a row with
            ``row.reshape(images_shape)``.

    (X_train, y_train, X_test, y_test) : tuple of ndarray
        Returned instead of the Bunch when ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a folder or any of the four files is missing.
    ValueError
        If a file is not a valid IDX file of unsigned bytes (see
        :func:`read_idx`), holds images where labels are expected or the
        other way round, or if images and labels disagree in count, or train
        and test images in shape.

    See Also
    --------
    read_idx : Read one IDX file.

    Examples
    --------
    >>> from benchmarks._datasets import load_mnist
    >>> mnist = load_mnist("shared/data/mnist")  # doctest: +SKIP
    >>> mnist.data_train.shape, mnist.images_shape  # doctest: +SKIP
    ((60000, 784), (28, 28))
    """
    folder = _check_folder(
        path, "MNIST", "train-images-idx3-ubyte(.gz) and the three other MNIST IDX files"
    )
    files = {key: _find_mnist_file(folder, stem) for key, stem in _MNIST_FILES.items()}
    missing = [_MNIST_FILES[key] for key, file in files.items() if file is None]
    if missing:
        looked_for = ", ".join(f"'{stem}.gz' or '{stem}'" for stem in missing)
        raise FileNotFoundError(
            f"MNIST folder '{folder}' lacks {looked_for}. Put the missing files there "
            "(gzip-compressed with a '.gz' extension, or raw without one)."
        )

    arrays = {key: read_idx(file) for key, file in files.items()}
    for split in ("train", "test"):
        images_file, labels_file = files[f"data_{split}"], files[f"target_{split}"]
        images, labels = arrays[f"data_{split}"], arrays[f"target_{split}"]
        _check_n_dims(images, 3, images_file, "images")
        _check_n_dims(labels, 1, labels_file, "labels")
        if images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"MNIST {split} files disagree: '{images_file}' holds {images.shape[0]} "
                f"images but '{labels_file}' holds {labels.shape[0]} labels. Replace the "
                "file that is not from the same MNIST distribution."
            )
    images_shape = arrays["data_train"].shape[1:]
    if arrays["data_test"].shape[1:] != images_shape:
        raise ValueError(
            f"MNIST images differ in shape: '{files['data_train']}' holds "
            f"{images_shape} images but '{files['data_test']}' holds "
            f"{arrays['data_test'].shape[1:]}. Use train and test files of one dataset."
        )

    n_pixels = int(np.prod(images_shape))
    X_train = arrays["data_train"].reshape(-1, n_pixels)
    X_test = arrays["data_test"].reshape(-1, n_pixels)
    y_train = arrays["target_train"].astype(np.int64)
    y_test = arrays["target_test"].astype(np.int64)
    if return_X_y:
        return X_train, y_train, X_test, y_test
    return Bunch(
        data_train=X_train,
        target_train=y_train,
        data_test=X_test,
        target_test=y_test,
        images_shape=tuple(int(size) for size in images_shape),
    )


def _check_n_dims(array, n_dims, file, kind):
    """Raise if an IDX array does not have the dimensions MNIST ``kind`` have."""
    if array.ndim != n_dims:
        raise ValueError(
            f"IDX file '{file}' holds a {array.ndim}-dimensional array where MNIST "
            f"{kind} ({n_dims}-dimensional) are expected; check that the image and "
            "label files are not swapped or renamed."
        )


def load_adult(path):
    """Load the UCI Adult (Census Income) train and test sets from a local folder.

    Reads ``adult.data`` (32,561 rows) and ``adult.test`` (16,281 rows) in the
    original UCI format: ``", "``-separated text without a header, ``?`` for
    missing values, a ``|`` comment line at the top of ``adult.test`` and
    labels ending with a period there. Nothing is downloaded. Requires pandas.

    Parameters
    ----------
    path : str or path-like
        Folder holding ``adult.data`` and ``adult.test``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        frame_train : pandas.DataFrame of shape (32561, 14)
            The 14 attributes of the training set, named as in
            ``adult.names``; the label is not included. Numeric columns hold
            integers, categorical columns have a ``category`` dtype that is
            the same in both frames, and missing values (``?``) are NaN.
        frame_test : pandas.DataFrame of shape (16281, 14)
            The attributes of the test set, as ``frame_train``.
        target_train : pandas.Series of shape (32561,)
            Labels ``'<=50K'`` / ``'>50K'`` with a ``category`` dtype.
        target_test : pandas.Series of shape (16281,)
            Test labels, normalised to the same two values (the trailing
            period of ``adult.test`` is removed).
        feature_names : list of str
            The 14 column names, in file order.
        categorical_features : list of str
            The 8 categorical column names.
        numeric_features : list of str
            The 6 numeric column names.

    Raises
    ------
    ImportError
        If pandas is not installed.
    FileNotFoundError
        If ``path`` is not a folder or either file is missing.
    ValueError
        If a file has the wrong number of fields on a line, a non-numeric
        value in a numeric column, or a label other than ``<=50K`` / ``>50K``.

    Examples
    --------
    >>> from benchmarks._datasets import load_adult
    >>> adult = load_adult("shared/data/adult")  # doctest: +SKIP
    >>> adult.frame_train.shape, adult.target_test.value_counts().to_dict()  # doctest: +SKIP
    ((32561, 14), {'<=50K': 12435, '>50K': 3846})
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "load_adult requires pandas, which is not installed; install it with "
            '`pip install "sgan-sklearn[examples]"` (or `pip install pandas`).'
        ) from exc

    folder = _check_folder(path, "Adult", "adult.data and adult.test")
    files = {split: folder / f"adult.{split}" for split in ("data", "test")}
    missing = [f"'{file.name}'" for file in files.values() if not file.is_file()]
    if missing:
        raise FileNotFoundError(
            f"Adult folder '{folder}' lacks {' and '.join(missing)}. Put the UCI "
            "adult.data and adult.test files there."
        )

    frames = {split: _read_adult_file(pd, file) for split, file in files.items()}
    for column in _ADULT_CATEGORICAL_FEATURES:
        seen = pd.concat([frame[column] for frame in frames.values()]).dropna().unique()
        dtype = pd.CategoricalDtype(sorted(seen))
        for frame in frames.values():
            frame[column] = frame[column].astype(dtype)
    targets = {split: _adult_target(pd, frame, files[split]) for split, frame in frames.items()}

    return Bunch(
        frame_train=frames["data"][_ADULT_FEATURE_NAMES],
        frame_test=frames["test"][_ADULT_FEATURE_NAMES],
        target_train=targets["data"],
        target_test=targets["test"],
        feature_names=list(_ADULT_FEATURE_NAMES),
        categorical_features=list(_ADULT_CATEGORICAL_FEATURES),
        numeric_features=list(_ADULT_NUMERIC_FEATURES),
    )


def _read_adult_file(pd, file):
    """Read one Adult file into a frame of features plus the raw label column."""
    try:
        with warnings.catch_warnings():
            # Lines with extra fields only warn and lose data; make them an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                file,
                header=None,
                names=[*_ADULT_FEATURE_NAMES, _ADULT_TARGET_NAME],
                index_col=False,
                sep=",",
                skipinitialspace=True,
                na_values=["?"],
                keep_default_na=False,
                comment="|",
                dtype={column: object for column in _ADULT_CATEGORICAL_FEATURES},
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise ValueError(
            f"Adult file '{file}' is malformed ({exc}). Each line must hold the 14 "
            "attributes and the label separated by ', '; replace the file with the "
            "original UCI one."
        ) from exc
    for column in _ADULT_NUMERIC_FEATURES:
        if not pd.api.types.is_integer_dtype(frame[column]):
            raise ValueError(
                f"Column '{column}' of Adult file '{file}' holds non-integer values "
                "(or missing ones); replace the file with the original UCI one."
            )
    return frame


def _adult_target(pd, frame, file):
    """Return the label column normalised to '<=50K' / '>50K' as a categorical Series."""
    target = frame[_ADULT_TARGET_NAME].astype(object).str.rstrip(".")
    unexpected = sorted(set(target.dropna()) - set(_ADULT_CLASSES))
    if unexpected or target.isna().any():
        shown = unexpected[:5] + (["missing"] if target.isna().any() else [])
        raise ValueError(
            f"Adult file '{file}' has labels other than {_ADULT_CLASSES} "
            f"(found {shown}); replace the file with the original UCI one."
        )
    return target.astype(pd.CategoricalDtype(_ADULT_CLASSES)).rename(_ADULT_TARGET_NAME)


def load_letter(path, *, return_X_y=False):
    """Load the UCI Letter Recognition data from a local folder, split as usual.

    Reads ``letter-recognition.data``: 20,000 comma-separated lines, each a
    capital letter (the class, 26 of them) followed by 16 integer attributes
    in 0-15. The first 16,000 rows are the training set and the last 4,000 the
    test set, the split of the original paper (Frey & Slate, 1991) and of the
    UCI description. Nothing is downloaded.

    Parameters
    ----------
    path : str or path-like
        Folder holding ``letter-recognition.data``.

    return_X_y : bool, default=False
        If True, return ``(X_train, y_train, X_test, y_test)`` instead of a
        Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data_train : ndarray of shape (16000, 16), dtype uint8
            The 16 attributes of the first 16,000 rows.
        target_train : ndarray of shape (16000,), dtype <U1
            Their classes, ``'A'`` to ``'Z'``.
        data_test : ndarray of shape (4000, 16), dtype uint8
            The attributes of the last 4,000 rows.
        target_test : ndarray of shape (4000,), dtype <U1
            Their classes.
        feature_names : list of str
            The 16 attribute names of ``letter-recognition.names``.

    (X_train, y_train, X_test, y_test) : tuple of ndarray
        Returned instead of the Bunch when ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a folder or the file is missing.
    ValueError
        If a line does not hold a capital letter and 16 integers in 0-15, or
        the file does not hold 20,000 lines.

    Examples
    --------
    >>> from benchmarks._datasets import load_letter
    >>> letter = load_letter("shared/data/letter")  # doctest: +SKIP
    >>> letter.data_train.shape, letter.data_test.shape  # doctest: +SKIP
    ((16000, 16), (4000, 16))
    """
    folder = _check_folder(path, "Letter", _LETTER_FILE)
    file = folder / _LETTER_FILE
    if not file.is_file():
        raise FileNotFoundError(
            f"Letter folder '{folder}' lacks '{_LETTER_FILE}'. Put the UCI Letter "
            "Recognition data file there."
        )
    lines = file.read_text(encoding="ascii", errors="replace").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    n_fields = 1 + len(_LETTER_FEATURE_NAMES)
    target = []
    data = np.empty((len(lines), len(_LETTER_FEATURE_NAMES)), dtype=np.uint8)
    for number, line in enumerate(lines, start=1):
        fields = line.strip().split(",")
        values = fields[1:]
        if (
            len(fields) != n_fields
            or len(fields[0]) != 1
            or not ("A" <= fields[0] <= "Z")
            or not all(value.isdigit() and int(value) <= 15 for value in values)
        ):
            raise ValueError(
                f"Line {number} of Letter file '{file}' is malformed ({line[:60]!r}): each "
                f"line must hold a capital letter and {n_fields - 1} integers in 0-15, "
                "separated by commas. Replace the file with the original UCI one."
            )
        target.append(fields[0])
        data[number - 1] = [int(value) for value in values]
    if len(lines) != _LETTER_N_ROWS:
        raise ValueError(
            f"Letter file '{file}' holds {len(lines)} lines, not the {_LETTER_N_ROWS} of "
            "the UCI data that the usual 16,000 / 4,000 split needs. Replace it with the "
            "original UCI file."
        )
    target = np.array(target, dtype="<U1")
    X_train, X_test = data[:_LETTER_N_TRAIN], data[_LETTER_N_TRAIN:]
    y_train, y_test = target[:_LETTER_N_TRAIN], target[_LETTER_N_TRAIN:]
    if return_X_y:
        return X_train, y_train, X_test, y_test
    return Bunch(
        data_train=X_train,
        target_train=y_train,
        data_test=X_test,
        target_test=y_test,
        feature_names=list(_LETTER_FEATURE_NAMES),
    )
