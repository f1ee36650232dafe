"""Sharing: model and dataset cards rendered from the templates in `model_cards/`, and Hub uploads."""
