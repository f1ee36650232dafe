"""The `exhubert` command line interface."""
