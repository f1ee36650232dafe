"""Jinja templates of the model and dataset cards (`model_card.md.j2`, `dataset_card.md.j2`), as package data."""
