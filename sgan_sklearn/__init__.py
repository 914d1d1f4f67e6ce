"""Semi-supervised GAN classification for scikit-learn."""

from ._persistence import load
from ._sgan import SGANClassifier

__version__ = "0.2.0.dev0"

__all__ = ["SGANClassifier", "load", "__version__"]
