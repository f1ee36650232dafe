"""Tests of exhubert.data (a package, so that its conftest does not shadow the top-level `conftest` module)."""
