"""Prediction on real recordings: decoding, windowing, length-aware batching and result files."""

from .predict import label_dimensions, load_model, predict, write_predictions

__all__ = ["label_dimensions", "load_model", "predict", "write_predictions"]
