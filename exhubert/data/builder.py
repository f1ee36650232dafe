"""
Assembly of EmoSet++: corpus scans -> label mapping -> splits -> one decode per file -> a `DatasetDict` on disk.

```python
>>> from exhubert.data.builder import build_emoset, split_by_corpus
>>> emoset = build_emoset({"ravdess": "/data/RAVDESS", "abc": "/data/abc/manifest.csv"}, "emoset", num_proc=4)
>>> per_corpus = split_by_corpus(emoset["train"])  # {"abc": Dataset, "ravdess": Dataset}
```

Every file is decoded exactly once with [`~exhubert.data.audio.load_audio`] (mono channel mean, FFmpeg resampling to
16 kHz) and stored as 16 kHz WAV bytes under an `Audio(sampling_rate=16000)` feature, so loading never resamples.
Rows are streamed to Arrow files by `Dataset.from_generator` (memory does not grow with corpus size). Nothing is
dropped silently: files that cannot be used are listed with the reason in `stats.json` (and printed by the CLI).
"""

import json
import logging
import math
import os
import shutil
import struct
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import numpy as np
import soundfile as sf
from datasets import Audio, ClassLabel, Dataset, DatasetDict, Features, NamedSplit, Value, load_from_disk

from ..utils import atomic_directory
from .audio import SAMPLING_RATE, AudioDecodingError, load_audio
from .corpus import CorpusScript
from .labels import AROUSAL_LEVELS, CLASS_NAMES, VALENCE_LEVELS, LabelTable, UnmappedLabelError
from .splits import DEFAULT_RATIOS, SPLIT_POLICIES, SPLITS, assign_splits
from .stats import STATS_FILE, compute_stats

logger = logging.getLogger(__name__)

LABEL_TABLE_FILE = "label_map.csv"
"""Name of the copy of the label rows used, written next to the dataset."""

AUDIO_FORMATS = {"float32": "FLOAT", "int16": "PCM_16"}
"""Sample formats of the stored WAV bytes: `float32` keeps the decoded samples exactly, `int16` halves the size."""

UNMAPPED_POLICIES = ("error", "skip")


def emoset_features() -> Features:
    """
    The features of every EmoSet++ split.

    Returns:
        `Features` with `audio` (`Audio(sampling_rate=16000)`), `label` (`ClassLabel` of the 6 classes), `arousal`
        (`ClassLabel` low/high), `valence` (`ClassLabel` negative/neutral/positive), `emotion`, `raw_label`, `corpus`,
        `speaker`, `language`, `gender`, `duration` (seconds, float32), `id`, `official_split` and `text` (strings,
        `None` when unknown).
    """
    return Features(
        {
            "audio": Audio(sampling_rate=SAMPLING_RATE),
            "label": ClassLabel(names=list(CLASS_NAMES)),
            "arousal": ClassLabel(names=list(AROUSAL_LEVELS)),
            "valence": ClassLabel(names=list(VALENCE_LEVELS)),
            "emotion": Value("string"),
            "raw_label": Value("string"),
            "corpus": Value("string"),
            "speaker": Value("string"),
            "language": Value("string"),
            "gender": Value("string"),
            "duration": Value("float32"),
            "id": Value("string"),
            "official_split": Value("string"),
            "text": Value("string"),
        }
    )


@dataclass
class CorpusPlan:
    """
    What will be built from one corpus: its usable utterances with labels and splits, and what was skipped.

    Args:
        corpus (`str`): Corpus name (script id or manifest name).
        root (`str`): Scanned root (or manifest file).
        script (`CorpusScript`): The script that scanned it.
        records (`list[dict]`): One dict per utterance to decode (path, segment, labels, metadata, split).
        split_method (`str`): How the split was made (see [`~exhubert.data.splits.assign_splits`]).
        split_details (`str`): Speaker/utterance counts per split and notes.
        skipped (`list[dict]`): `{"corpus", "path", "reason", "stage"}` per file not used.
        warnings (`list[str]`): Warnings about the copy (partial corpus, ...).
    """

    corpus: str
    root: str
    script: CorpusScript
    records: list[dict] = field(default_factory=list)
    split_method: str = ""
    split_details: str = ""
    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def info(self) -> dict:
        """Corpus metadata for `stats.json` and the dataset card."""
        script = self.script
        return {
            "name": script.name or self.corpus,
            "script": type(script).__module__,
            "root": self.root,
            "languages": sorted({r["language"] for r in self.records}) or list(script.languages),
            "license": script.license,
            "citation": script.citation,
            "homepage": script.homepage,
            "has_official_split": script.has_official_split,
            "official_split_speaker_independent": script.official_split_speaker_independent,
            "split_method": self.split_method,
            "split_details": self.split_details,
            "planned_utterances": len(self.records),
            "warnings": list(self.warnings),
        }

    def assign_splits(self, policy: str, seed: int, ratios: tuple[float, float, float]) -> None:
        """
        Sets the `split` of every record, `split_method` and `split_details` with
        [`~exhubert.data.splits.assign_splits`] (deterministic: the same records always get the same splits).
        """
        if not self.records:
            self.split_method, self.split_details = "none", "no usable utterance"
            self.warnings.append(f"{self.corpus}: no usable utterance left; see the skipped files.")
            return
        assignment = assign_splits(
            [r["speaker"] for r in self.records],
            [r["label"] for r in self.records],
            [r["official_split"] for r in self.records] if self.script.has_official_split else None,
            official_speaker_independent=self.script.official_split_speaker_independent,
            policy=policy,
            seed=seed,
            ratios=ratios,
            salt=self.corpus,
        )
        for record, split in zip(self.records, assignment.splits):
            record["split"] = split
        self.split_method, self.split_details = assignment.method, assignment.details
        logger.info(
            "%s: %d utterances, split %s (%s)", self.corpus, len(self.records), self.split_method, self.split_details
        )


def resolve_corpus(name: str, path: str | os.PathLike) -> tuple[CorpusScript, Path]:
    """
    The corpus script for `name` and the path it scans.

    A path to a manifest file (`.csv`, `.tsv`, `.jsonl`, `.json`) always gives a
    [`~dataset_scripts.manifest.ManifestCorpus`] named `name`; otherwise `name` must be a corpus script id.

    Raises:
        ValueError: `name` has no script and `path` is not a manifest.
    """
    from dataset_scripts import available_corpora, get_script
    from dataset_scripts.manifest import ManifestCorpus, is_manifest_path

    path = Path(path).expanduser()
    if is_manifest_path(path):
        return ManifestCorpus(name), path
    if name not in available_corpora():
        raise ValueError(
            f"No corpus script for {name!r} (available: {', '.join(available_corpora())}). For a corpus without a "
            f"script, list its files in a manifest and pass `--manifest {name}=FILE.csv` "
            "(format: dataset_scripts/manifest.py)."
        )
    return get_script(name), path


def plan_emoset(
    corpora: dict[str, str | os.PathLike],
    *,
    label_map: str | os.PathLike | LabelTable | list | None = None,
    seed: int = 42,
    split_policy: str = "speaker",
    ratios: tuple[float, float, float] = DEFAULT_RATIOS,
    unmapped: str = "error",
) -> list[CorpusPlan]:
    """
    Scans the corpora, maps their labels, drops duplicates and assigns splits, without decoding any audio.

    Args:
        corpora (`dict[str, str | os.PathLike]`): Corpus name -> root folder (script corpora) or manifest file.
        label_map (`str`, `os.PathLike`, `list` or [`LabelTable`], *optional*): User label file(s) overriding the
            package table, or a ready table.
        seed (`int`, *optional*, defaults to 42): Split seed.
        split_policy (`str`, *optional*, defaults to `"speaker"`): See [`~exhubert.data.splits.assign_splits`].
        ratios (`tuple`, *optional*): Train/validation/test ratios.
        unmapped (`str`, *optional*, defaults to `"error"`): `"error"` raises on labels without a table row;
            `"skip"` records their files as skipped.

    Returns:
        `list[CorpusPlan]`, one per corpus, in the order of `corpora`.

    Raises:
        FileNotFoundError: a corpus root does not exist.
        ValueError: unknown corpus name, empty corpus, bad policy, or no corpus given.
        UnmappedLabelError: labels without a table row (with `unmapped="error"`); all of them are listed.
    """
    if not corpora:
        raise ValueError("No corpus given: pass at least one corpus (`--corpus NAME=PATH` or `--manifest NAME=FILE`).")
    if split_policy not in SPLIT_POLICIES:
        raise ValueError(f"Unknown split policy {split_policy!r}; use one of {SPLIT_POLICIES}.")
    if unmapped not in UNMAPPED_POLICIES:
        raise ValueError(f"unmapped must be one of {UNMAPPED_POLICIES}, got {unmapped!r}.")
    table = label_map if isinstance(label_map, LabelTable) else LabelTable.load(overrides=label_map)

    plans, missing = [], Counter()
    seen_ids: dict[str, str] = {}
    seen_audio: dict[tuple, str] = {}
    for name, root in corpora.items():
        script, path = resolve_corpus(name, root)
        logger.info("Scanning %s at %s", name, path)
        scan = script.scan(path)
        plan = CorpusPlan(corpus=name, root=scan.root, script=script, warnings=list(scan.warnings))
        for warning in scan.warnings:
            logger.warning(warning)
        plan.skipped.extend(
            {"corpus": name, "path": item_path, "reason": reason, "stage": "scan"}
            for item_path, reason in scan.skipped
        )
        pending = []
        for example in scan.examples:
            try:
                mapping = table.lookup(name, example.raw_label)
            except UnmappedLabelError:
                missing[(name, example.raw_label)] += 1
                plan.skipped.append(
                    {
                        "corpus": name,
                        "path": example.path,
                        "reason": f"label {example.raw_label!r} has no row in the label table",
                        "stage": "label",
                    }
                )
                continue
            if mapping.class_id is None:
                plan.skipped.append(
                    {
                        "corpus": name,
                        "path": example.path,
                        "reason": f"label {example.raw_label!r} is excluded on purpose by the label table "
                        f"({mapping.basis or 'no class'})",
                        "stage": "label",
                    }
                )
                continue
            row_id = f"{name}/{example.id}"
            audio_key = (os.path.realpath(example.path), example.start, example.end)
            if row_id in seen_ids:
                reason = f"duplicate id {row_id!r} (first: {seen_ids[row_id]})"
            elif audio_key in seen_audio:
                reason = f"same audio already included as {seen_audio[audio_key]!r}"
            else:
                reason = None
            if reason is not None:
                plan.skipped.append({"corpus": name, "path": example.path, "reason": reason, "stage": "duplicate"})
                continue
            seen_ids[row_id] = example.path
            seen_audio[audio_key] = row_id
            pending.append(
                {
                    "id": row_id,
                    "path": example.path,
                    "start": example.start,
                    "end": example.end,
                    "corpus": name,
                    "raw_label": example.raw_label,
                    "emotion": mapping.emotion,
                    "label": mapping.class_id,
                    "arousal": AROUSAL_LEVELS.index(mapping.arousal),
                    "valence": VALENCE_LEVELS.index(mapping.valence),
                    "speaker": example.speaker,
                    "gender": example.gender,
                    "language": example.language,
                    "text": example.text,
                    "official_split": example.split,
                }
            )
        plan.records = pending
        plans.append(plan)

    if missing and unmapped == "error":
        listed = "; ".join(
            f"{corpus}: {label!r} ({count} files)" for (corpus, label), count in sorted(missing.items())
        )
        raise UnmappedLabelError(
            f"Labels without a row in the label table: {listed}. To fix, {table.edit_hint()}; "
            "or skip these files with `--skip-unmapped`.",
            missing=sorted(missing),
        )

    for plan in plans:
        plan.assign_splits(split_policy, seed, ratios)
    return plans


def _encode_wav(waveform: np.ndarray, audio_format: str) -> bytes:
    """
    WAV bytes of a 16 kHz mono waveform: float32 exact, or int16 with clipping to [-1, 1]. Float WAVs are written
    here rather than by libsndfile, whose `PEAK` chunk holds a timestamp: the same audio always gives the same bytes,
    so rebuilding a dataset (with any `num_proc`) reproduces it exactly.
    """
    if audio_format == "int16":
        buffer = BytesIO()
        sf.write(buffer, np.clip(waveform, -1.0, 1.0), SAMPLING_RATE, format="WAV", subtype=AUDIO_FORMATS["int16"])
        return buffer.getvalue()
    data = np.ascontiguousarray(waveform, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHHH", 3, 1, SAMPLING_RATE, 4 * SAMPLING_RATE, 4, 32, 0)  # IEEE float, mono, 32 bit
    chunks = [(b"fmt ", fmt), (b"fact", struct.pack("<I", len(data) // 4)), (b"data", data)]
    body = b"".join(name + struct.pack("<I", len(payload)) + payload for name, payload in chunks)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def _generate_rows(shards: list[dict], max_duration: float | None, audio_format: str):
    """`Dataset.from_generator` body: decodes each file once, yields rows, logs skips to the shard's JSONL file."""
    for shard in shards:
        with open(shard["skip_log"], "a", encoding="utf-8") as log:
            for record in shard["records"]:
                try:
                    waveform = load_audio(record["path"], SAMPLING_RATE, record["start"], record["end"])
                except AudioDecodingError as error:
                    reason, stage = str(error), "decode"
                else:
                    duration = waveform.shape[0] / SAMPLING_RATE
                    if max_duration is None or duration <= max_duration:
                        yield {
                            "audio": {"bytes": _encode_wav(waveform, audio_format), "path": f"{record['id']}.wav"},
                            "label": record["label"],
                            "arousal": record["arousal"],
                            "valence": record["valence"],
                            "emotion": record["emotion"],
                            "raw_label": record["raw_label"],
                            "corpus": record["corpus"],
                            "speaker": record["speaker"],
                            "language": record["language"],
                            "gender": record["gender"],
                            "duration": duration,
                            "id": record["id"],
                            "official_split": record["official_split"],
                            "text": record["text"],
                        }
                        continue
                    reason = f"too long: {duration:.1f} s > --max-duration {max_duration:g} s"
                    stage = "duration"
                entry = {"corpus": record["corpus"], "path": record["path"], "reason": reason, "stage": stage}
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _generate(
    records: list[dict], work_dir: Path, num_proc: int, max_duration: float | None, audio_format: str
) -> Dataset:
    """
    Decodes `records` into Arrow files in `work_dir`, sharded over `num_proc` processes. Shard `i` takes every
    `shard_count`-th record from `i`, so that slow files (e.g. the resampled ones of one corpus) are spread over all
    processes; the rows come out in shard order (callers find them by `id`).
    """
    shard_count = min(len(records), max(num_proc, math.ceil(len(records) / 2000)))
    shards = [
        {"records": records[i::shard_count], "skip_log": str(work_dir / f"skipped-{i:05d}.jsonl")}
        for i in range(shard_count)
    ]
    return Dataset.from_generator(
        _generate_rows,
        features=emoset_features(),
        cache_dir=str(work_dir / "cache"),
        gen_kwargs={"shards": shards, "max_duration": max_duration, "audio_format": audio_format},
        num_proc=min(num_proc, len(shards)) if num_proc > 1 else None,
        split="emoset",
        fingerprint=uuid.uuid4().hex,
    )


def build_emoset(
    corpora: dict[str, str | os.PathLike],
    output_dir: str | os.PathLike | None = None,
    *,
    label_map: str | os.PathLike | LabelTable | list | None = None,
    num_proc: int = 1,
    max_duration: float | None = None,
    seed: int = 42,
    split_policy: str = "speaker",
    ratios: tuple[float, float, float] = DEFAULT_RATIOS,
    unmapped: str = "error",
    audio_format: str = "float32",
    overwrite: bool = False,
) -> DatasetDict:
    """
    Builds EmoSet++ from local corpus copies.

    Args:
        corpora (`dict[str, str | os.PathLike]`): Corpus name -> path. Names are corpus script ids
            (`dataset_scripts.available_corpora()`) with the corpus root in its original layout, or any name with a
            manifest file (`.csv`/`.tsv`/`.jsonl`/`.json`, see `dataset_scripts/manifest.py`).
        output_dir (`str` or `os.PathLike`, *optional*): Where to write the dataset (`save_to_disk` format, plus
            `README.md` dataset card, `stats.json` and `label_map.csv`), atomically: a failed build leaves nothing.
            Without it the dataset stays in a new temporary folder.
        label_map (`str`, `os.PathLike`, `list` or [`LabelTable`], *optional*): User label file(s) overriding or
            extending the package table.
        num_proc (`int`, *optional*, defaults to 1): Decoding processes.
        max_duration (`float`, *optional*): Skip (and record) files longer than this many seconds; a corpus that
            loses files to this (or to unreadable audio) is split again from what is left.
        seed (`int`, *optional*, defaults to 42): Split seed.
        split_policy (`str`, *optional*, defaults to `"speaker"`): `"speaker"` (speaker-independent everywhere) or
            `"official"` (official splits as they are); see `exhubert.data.splits`.
        ratios (`tuple`, *optional*, defaults to `(0.8, 0.1, 0.1)`): Train/validation/test ratios.
        unmapped (`str`, *optional*, defaults to `"error"`): What to do with labels that have no table row:
            `"error"` or `"skip"` (recorded).
        audio_format (`str`, *optional*, defaults to `"float32"`): Stored WAV samples, `"float32"` (exact) or
            `"int16"` (half the size).
        overwrite (`bool`, *optional*, defaults to `False`): Replace an existing `output_dir`.

    Returns:
        `DatasetDict` with `train`, `validation` and `test` (loaded back from `output_dir` when given).

    Raises:
        FileNotFoundError: a corpus root does not exist.
        FileExistsError: `output_dir` exists and `overwrite` is `False`.
        ValueError: unknown corpus, empty corpus, invalid option, or nothing usable at all.
        UnmappedLabelError: labels without a table row (with `unmapped="error"`).
    """
    if audio_format not in AUDIO_FORMATS:
        raise ValueError(f"audio_format must be one of {sorted(AUDIO_FORMATS)}, got {audio_format!r}.")
    if max_duration is not None and max_duration <= 0:
        raise ValueError(f"max_duration must be positive, got {max_duration}.")
    if num_proc < 1:
        raise ValueError(f"num_proc must be at least 1, got {num_proc}.")
    if output_dir is not None:
        output_dir = Path(output_dir)
        if output_dir.exists() and any(output_dir.iterdir()) and not overwrite:
            raise FileExistsError(f"{output_dir} already exists and is not empty; choose another path or overwrite.")
    table = label_map if isinstance(label_map, LabelTable) else LabelTable.load(overrides=label_map)
    plans = plan_emoset(
        corpora, label_map=table, seed=seed, split_policy=split_policy, ratios=ratios, unmapped=unmapped
    )
    if not any(plan.records for plan in plans):
        skipped = sum(len(plan.skipped) for plan in plans)
        raise ValueError(f"No usable utterance in {', '.join(corpora)} ({skipped} files skipped).")
    build_info = {
        "seed": seed,
        "split_policy": split_policy,
        "ratios": list(ratios),
        "max_duration": max_duration,
        "audio_format": audio_format,
        "sampling_rate": SAMPLING_RATE,
        "unmapped_labels": unmapped,
    }
    decode_options = {"num_proc": num_proc, "max_duration": max_duration, "audio_format": audio_format}
    split_options = {"policy": split_policy, "seed": seed, "ratios": ratios}
    if output_dir is None:
        work = Path(tempfile.mkdtemp(prefix="emoset-"))
        dataset = _decode_all(plans, work, decode_options, split_options)[0]
        logger.info("EmoSet++ built in %s (temporary; pass output_dir to keep it)", work)
        return dataset
    with atomic_directory(output_dir, overwrite=overwrite) as tmp:
        work = tmp / ".work"
        work.mkdir()
        dataset, skipped = _decode_all(plans, work, decode_options, split_options)
        dataset.save_to_disk(str(tmp))
        del dataset
        shutil.rmtree(work)
        write_build_report(tmp, plans, skipped, table, build_info)
    return load_from_disk(str(output_dir))


def _decode_all(plans: list[CorpusPlan], work: Path, decode_options: dict, split_options: dict) -> tuple:
    """
    Decodes every planned record once, re-splits the corpora that lost files while decoding (unreadable or longer
    than `max_duration`), and returns `(DatasetDict, skipped)`: the dataset and every skip of the plan and the decode.
    """
    records = sorted((r for plan in plans for r in plan.records), key=lambda r: (r["corpus"], r["id"]))
    logger.info("Decoding %d utterances", len(records))
    try:
        decoded = _generate(records, work, **decode_options)
    except ValueError:  # `datasets` refuses to build a dataset of zero rows
        decode_skips = _read_skip_logs(work)
        if len(decode_skips) < len(records):
            raise
        raise ValueError(
            f"No file could be decoded and kept: all {len(records)} were skipped (first: {decode_skips[0]['path']}: "
            f"{decode_skips[0]['reason']})."
        ) from None
    decode_skips = _read_skip_logs(work)
    for (corpus, stage), count in sorted(Counter((e["corpus"], e["stage"]) for e in decode_skips).items()):
        logger.warning(
            "%s: %d files skipped at the %s stage (listed with the reasons in the report)", corpus, count, stage
        )
    skipped = [entry for plan in plans for entry in plan.skipped] + decode_skips
    row_of = {identifier: index for index, identifier in enumerate(decoded.select_columns(["id"])["id"])}
    for plan in plans:
        kept = [record for record in plan.records if record["id"] in row_of]
        if len(kept) < len(plan.records):
            plan.records = kept
            plan.assign_splits(**split_options)
    indices: dict[str, list[int]] = {split: [] for split in SPLITS}
    for record in records:
        if record["id"] in row_of:
            indices[record["split"]].append(row_of[record["id"]])
    return DatasetDict({split: _subset(decoded, indices[split], split) for split in SPLITS}), skipped


def _subset(dataset: Dataset, indices: list[int], split: str) -> Dataset:
    """`dataset.select(indices)` named `split` (`select` keeps the source's split name; no data is copied)."""
    part = dataset.select(indices)
    return Dataset(part.data, info=part.info, split=NamedSplit(split), indices_table=part._indices)


def _read_skip_logs(work: Path) -> list[dict]:
    """The skips recorded by the decoding processes (`skipped-*.jsonl` in `work`)."""
    entries = []
    for log in sorted(work.glob("skipped-*.jsonl")):
        with log.open(encoding="utf-8") as handle:
            entries += [json.loads(line) for line in handle if line.strip()]
    return entries


def write_build_report(
    output_dir: str | os.PathLike, plans: list[CorpusPlan], skipped: list[dict], table: LabelTable, build_info: dict
) -> dict:
    """
    Writes `stats.json`, `label_map.csv` (the rows of the built corpora) and the `README.md` dataset card into a
    saved dataset folder.

    Args:
        output_dir (`str` or `os.PathLike`): Folder holding the saved `DatasetDict`.
        plans (`list[CorpusPlan]`): The plans the dataset was built from.
        skipped (`list[dict]`): Every skipped file (`corpus`, `path`, `reason`, `stage`).
        table ([`LabelTable`]): The label table used.
        build_info (`dict`): Build options (seed, policy, ...).

    Returns:
        The statistics `dict` written to `stats.json`.
    """
    from .. import __version__
    from ..hub.dataset_card import dataset_card

    output_dir = Path(output_dir)
    corpora = [plan.corpus for plan in plans]
    stats = compute_stats(load_from_disk(str(output_dir)))
    stats.update(
        {
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "exhubert_version": __version__,
            "build": build_info,
            "label_table": {"version": table.version, "files": table.paths},
            "corpus_info": {plan.corpus: plan.info() for plan in plans},
            "skipped": skipped,
        }
    )
    path = output_dir / STATS_FILE
    path.write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table.write_csv(output_dir / LABEL_TABLE_FILE, corpora=corpora)
    (output_dir / "README.md").write_text(dataset_card(output_dir), encoding="utf-8")
    return stats


def split_by_corpus(dataset: Dataset | DatasetDict, split: str | None = None) -> dict[str, Dataset]:
    """
    Splits one EmoSet++ split into per-corpus datasets (what the round-robin trainer consumes).

    Args:
        dataset (`Dataset` or `DatasetDict`): An EmoSet++ split, or the whole `DatasetDict` with `split` given.
        split (`str`, *optional*): Which split of a `DatasetDict` to use.

    Returns:
        `dict[str, Dataset]` sorted by corpus name; each keeps the row order of `dataset`.

    Raises:
        ValueError: a `DatasetDict` without `split`, an unknown split, or no `corpus` column.
    """
    if isinstance(dataset, DatasetDict):
        if split is None or split not in dataset:
            raise ValueError(f"Pass split= one of {list(dataset)} to split a DatasetDict by corpus.")
        dataset = dataset[split]
    if "corpus" not in dataset.column_names:
        raise ValueError(f"The dataset has no `corpus` column (columns: {dataset.column_names}).")
    indices: dict[str, list[int]] = defaultdict(list)
    for index, corpus in enumerate(dataset.select_columns(["corpus"])["corpus"]):
        indices[corpus].append(index)
    return {corpus: dataset.select(indices[corpus]) for corpus in sorted(indices)}
