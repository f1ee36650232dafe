"""The `ccc` evaluate module: `evaluate.load(<this folder>)` or `exhubert.metrics.load_metric("ccc")`."""
