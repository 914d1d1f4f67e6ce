"""Semi-supervised GAN classification for scikit-learn."""

from ._sgan import SGANClassifier, load

__version__ = "0.2.0.dev0"

__all__ = ["SGANClassifier", "load", "__version__"]
