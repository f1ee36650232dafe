"""Uploads of saved models and EmoSet++ builds to the Hugging Face Hub, with their cards.

Models go up as they were saved: weights, config, the self-contained remote-code files named by the config's
`auto_map` (so that `from_pretrained(repo_id, trust_remote_code=True)` works without `exhubert`), the feature
extractor and the model card. Datasets go up as Parquet shards with embedded audio plus the EmoSet++ dataset card.
Both are one commit, built from `CommitOperationAdd` operations.
"""

import dataclasses
import json
import logging
import math
import os
import tempfile
from pathlib import Path

from ..inference.predict import check_model_path
from .model_card import MODEL_ID_PLACEHOLDER, ModelCardData, generate_model_card

logger = logging.getLogger(__name__)

WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
"""A model directory must hold one of these."""

DEFAULT_MAX_SHARD_SIZE = 500 * 2**20
"""Target size of a dataset Parquet shard before audio embedding (bytes)."""


class HubPushError(ValueError):
    """An upload cannot start: no token, an invalid repo id or an incomplete directory. The message says what to do."""


def resolve_token(token: str | None = None) -> str:
    """
    The token to upload with: `token`, else the one `huggingface_hub` finds (`HF_TOKEN`, `hf auth login`).

    Raises:
        HubPushError: no token is available.
    """
    from huggingface_hub import get_token

    token = token or get_token()
    if not token:
        raise HubPushError(
            "No Hugging Face token found: run `hf auth login`, set the HF_TOKEN environment variable, or pass a "
            "token (`--token`) with write access."
        )
    return token


def check_repo_id(repo_id: str) -> str:
    """
    Validates a Hub repository id (`namespace/name` or `name`).

    Raises:
        HubPushError: `repo_id` is not a valid id; the message shows the expected form.
    """
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(repo_id)
    except HFValidationError as error:
        raise HubPushError(
            f"{repo_id!r} is not a valid Hub repository id: expected 'namespace/name' (letters, digits, '-', '_', "
            f"'.', at most 96 characters, one '/'). {error}"
        ) from None
    return repo_id


def _model_files(model_dir: Path) -> list[Path]:
    files = []
    for path in sorted(model_dir.rglob("*")):
        parts = path.relative_to(model_dir).parts
        if not path.is_file() or any(p.startswith(".") or p == "__pycache__" for p in parts):
            continue
        if parts[0].startswith("checkpoint-") or path.suffix == ".pyc":
            continue
        files.append(path)
    return files


def check_model_dir(model_dir: str | os.PathLike) -> dict:
    """
    Checks that a directory can be pushed and loaded back: `config.json`, weights, and every remote-code file named by
    the config's `auto_map`.

    Returns:
        `dict`, the parsed `config.json`.

    Raises:
        FileNotFoundError: the directory, its config, its weights or a remote-code file is missing.
    """
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise FileNotFoundError(f"Model directory {model_dir} does not exist.")
    check_model_path(model_dir)
    if not any((model_dir / name).is_file() for name in WEIGHT_FILES):
        raise FileNotFoundError(f"{model_dir} holds no weights (expected one of {', '.join(WEIGHT_FILES)}).")
    config = json.loads((model_dir / "config.json").read_text())
    auto_map = config.get("auto_map") or {}
    if config.get("model_type") == "exhubert" and not auto_map:
        raise FileNotFoundError(
            f"{model_dir}/config.json has no `auto_map`, so the model could not be loaded without `exhubert`; save it "
            "again with `ExHubertForSequenceClassification.save_pretrained`."
        )
    for target in auto_map.values():
        target = target[0] if isinstance(target, (list, tuple)) else target
        if target is None or "--" in target:
            continue
        module_file = model_dir / (target.rsplit(".", 1)[0].replace(".", "/") + ".py")
        if not module_file.is_file():
            raise FileNotFoundError(
                f"{model_dir} lacks the remote-code file {module_file.name} named by its auto_map; save the model "
                "again with `save_pretrained`."
            )
    return config


def _upload(repo_id: str, repo_type: str, operations: list, *, private: bool, token: str, **commit_kwargs):
    """
    Creates the repository if needed and commits `operations` in one commit. A refused request (a namespace that is
    not the user's, a read-only or rejected token) becomes a [`HubPushError`] that says what to check.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, private=private, exist_ok=True, repo_type=repo_type)
        logger.info("Uploading %d files to the %s repository %s.", len(operations), repo_type, repo_id)
        return api.create_commit(repo_id=repo_id, operations=operations, repo_type=repo_type, **commit_kwargs)
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else None
        if status not in (401, 403):
            raise
        namespace = repo_id.split("/")[0] if "/" in repo_id else "your user name"
        raise HubPushError(
            f"The Hub refused to write {repo_id!r} (HTTP {status}): check the repository id for a typo (the namespace "
            f"{namespace!r} must be your user name or an organisation you can write to) and that the token has write "
            f"access. Server message: {error.server_message or error}"
        ) from error


def push_model(
    model_dir: str | os.PathLike,
    repo_id: str,
    private: bool = False,
    token: str | None = None,
    *,
    commit_message: str | None = None,
    revision: str | None = None,
    create_pr: bool = False,
    card_data: ModelCardData | None = None,
):
    """
    Uploads a saved model directory to the Hub in one commit: weights, config, remote code, feature extractor and
    model card.

    The card is the directory's `README.md` (written by `save_model_card` after training) with its usage snippet
    pointed at `repo_id`; a directory without one gets a card generated from its config and `card_data`. Hidden files,
    `__pycache__` and Trainer `checkpoint-*` folders are not uploaded.

    Args:
        model_dir (`str` or `os.PathLike`): Directory written by `save_pretrained`.
        repo_id (`str`): Target repository, `namespace/name`.
        private (`bool`, *optional*, defaults to `False`): Create the repository as private.
        token (`str`, *optional*): Hub token with write access; defaults to the stored one.
        commit_message (`str`, *optional*): Defaults to "Upload ExHuBERT model".
        revision (`str`, *optional*): Branch to commit to.
        create_pr (`bool`, *optional*, defaults to `False`): Open a pull request instead of committing.
        card_data (`ModelCardData`, *optional*): Used only when the directory has no README.md.

    Returns:
        `huggingface_hub.CommitInfo` of the commit.

    Raises:
        FileNotFoundError: see [`check_model_dir`].
        HubPushError: no token, an invalid `repo_id`, or the Hub refused the write (see the message).
    """
    from huggingface_hub import CommitOperationAdd

    model_dir = Path(model_dir)
    check_model_dir(model_dir)
    check_repo_id(repo_id)
    token = resolve_token(token)

    readme = model_dir / "README.md"
    if readme.is_file():
        card = readme.read_text(encoding="utf-8").replace(MODEL_ID_PLACEHOLDER, repo_id)
    else:
        card = generate_model_card(model_dir, dataclasses.replace(card_data or ModelCardData(), repo_id=repo_id))
    operations = [
        CommitOperationAdd(path_in_repo=path.relative_to(model_dir).as_posix(), path_or_fileobj=str(path))
        for path in _model_files(model_dir)
        if path != readme
    ]
    operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=card.encode("utf-8")))
    return _upload(
        repo_id,
        "model",
        operations,
        private=private,
        token=token,
        commit_message=commit_message or "Upload ExHuBERT model",
        revision=revision,
        create_pr=create_pr,
    )


def _load_dataset_dict(dataset_dir: Path):
    from datasets import Dataset, DatasetDict, load_from_disk

    if not dataset_dir.is_dir():
        raise FileNotFoundError(f"Dataset directory {dataset_dir} does not exist.")
    if not ((dataset_dir / "dataset_dict.json").is_file() or (dataset_dir / "dataset_info.json").is_file()):
        raise FileNotFoundError(
            f"{dataset_dir} is not a saved dataset (no dataset_dict.json or dataset_info.json): pass the output "
            "directory of `exhubert emoset build` / `save_to_disk`."
        )
    dataset = load_from_disk(str(dataset_dir))
    return DatasetDict({"train": dataset}) if isinstance(dataset, Dataset) else dataset


def _with_data_configs(card_text: str, splits) -> str:
    from huggingface_hub import DatasetCard

    card = DatasetCard(card_text)
    card.data.configs = [
        {"config_name": "default", "data_files": [{"split": split, "path": f"data/{split}-*"} for split in splits]}
    ]
    return str(card)


def _write_parquet_shards(dataset, split: str, directory: Path, max_shard_size: int) -> list[tuple[str, Path]]:
    from datasets.features.features import require_decoding
    from datasets.table import embed_table_storage

    nbytes = dataset._estimate_nbytes() if hasattr(dataset, "_estimate_nbytes") else dataset.data.nbytes
    num_shards = max(1, min(len(dataset), math.ceil(nbytes / max_shard_size)))
    embed = any(require_decoding(feature, ignore_decode_attribute=True) for feature in dataset.features.values())
    shards = []
    for index in range(num_shards):
        shard = dataset.shard(num_shards=num_shards, index=index, contiguous=True)
        if embed:
            shard = shard.with_format("arrow").map(embed_table_storage, batched=True, keep_in_memory=True)
        path_in_repo = f"data/{split}-{index:05d}-of-{num_shards:05d}.parquet"
        path = directory / path_in_repo
        path.parent.mkdir(parents=True, exist_ok=True)
        shard.to_parquet(str(path))
        shards.append((path_in_repo, path))
    return shards


def push_dataset(
    dataset_dir: str | os.PathLike,
    repo_id: str,
    private: bool = False,
    token: str | None = None,
    *,
    commit_message: str | None = None,
    max_shard_size: int = DEFAULT_MAX_SHARD_SIZE,
    card: str | None = None,
):
    """
    Uploads a saved EmoSet++ build (or any `save_to_disk` dataset) to a Hub dataset repository in one commit:
    Parquet shards per split with the audio bytes embedded (`data/<split>-XXXXX-of-YYYYY.parquet`, what
    `datasets.load_dataset(repo_id)` reads) and the dataset card with its `configs` metadata.

    Args:
        dataset_dir (`str` or `os.PathLike`): Output directory of `exhubert emoset build` / `save_to_disk`.
        repo_id (`str`): Target dataset repository, `namespace/name`.
        private (`bool`, *optional*, defaults to `False`): Create the repository as private (recommended: most
            corpora forbid redistribution).
        token (`str`, *optional*): Hub token with write access; defaults to the stored one.
        commit_message (`str`, *optional*): Defaults to "Upload EmoSet++ dataset".
        max_shard_size (`int`, *optional*): Target shard size in bytes.
        card (`str`, *optional*): Dataset card text; defaults to [`~exhubert.hub.dataset_card.dataset_card`] of
            `dataset_dir`.

    Returns:
        `huggingface_hub.CommitInfo` of the commit.

    Raises:
        FileNotFoundError: `dataset_dir` is not a saved dataset.
        HubPushError: no token, an invalid `repo_id`, or the Hub refused the write (see the message).
    """
    from huggingface_hub import CommitOperationAdd

    dataset_dir = Path(dataset_dir)
    dataset = _load_dataset_dict(dataset_dir)
    check_repo_id(repo_id)
    token = resolve_token(token)
    if card is None:
        from .dataset_card import dataset_card

        card = dataset_card(dataset_dir, repo_id=repo_id)
    card = _with_data_configs(card, list(dataset))

    with tempfile.TemporaryDirectory(prefix="exhubert-push-") as staging:
        operations = [
            CommitOperationAdd(path_in_repo=path_in_repo, path_or_fileobj=str(path))
            for split, split_dataset in dataset.items()
            for path_in_repo, path in _write_parquet_shards(split_dataset, split, Path(staging), max_shard_size)
        ]
        operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=card.encode("utf-8")))
        return _upload(
            repo_id,
            "dataset",
            operations,
            private=private,
            token=token,
            commit_message=commit_message or "Upload EmoSet++ dataset",
        )


__all__ = ["HubPushError", "check_model_dir", "check_repo_id", "push_dataset", "push_model", "resolve_token"]
