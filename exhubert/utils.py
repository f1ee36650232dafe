"""Small shared helpers: atomic output directories and tiny model configurations."""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, overwrite: bool = False) -> Iterator[Path]:
    """
    Yields a temporary directory beside `path` and renames it to `path` when the block succeeds, so that a failed or
    interrupted job never leaves a half-written output behind.

    Args:
        path (`str` or `os.PathLike`): The final directory.
        overwrite (`bool`, *optional*, defaults to `False`): Replace an existing non-empty `path` instead of failing.

    Raises:
        FileExistsError: `path` exists, is not empty and `overwrite` is `False`.
    """
    path = Path(path)
    if path.exists() and any(path.iterdir()) and not overwrite:
        raise FileExistsError(f"{path} already exists and is not empty; choose another path or pass overwrite.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would make the final directory private
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if path.exists():
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(path)


def tiny_hubert_kwargs(**overrides) -> dict:
    """
    Keyword arguments of a tiny random HuBERT (hidden size 32, 2 layers, HuBERT's 320x conv stack) for demos and tests.

    Args:
        overrides: Any `HubertConfig` field to change, e.g. `do_stable_layer_norm=True`.
    """
    kwargs = dict(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        conv_dim=(32, 32, 32, 32, 32, 32, 32),
        conv_kernel=(10, 3, 3, 3, 3, 2, 2),
        conv_stride=(5, 2, 2, 2, 2, 2, 2),
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2,
        classifier_proj_size=16,
    )
    kwargs.update(overrides)
    if kwargs.get("do_stable_layer_norm"):
        kwargs.setdefault("feat_extract_norm", "layer")
        kwargs.setdefault("conv_bias", True)
    return kwargs
