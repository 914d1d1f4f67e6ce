"""Semi-supervised GAN classification for scikit-learn."""

from ._sgan import SGANClassifier

__version__ = "0.2.0.dev0"

__all__ = ["SGANClassifier", "__version__"]
