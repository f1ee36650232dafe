"""The EmoSet++ dataset card (README.md with YAML header), rendered from `model_cards/dataset_card.md.j2`."""

import os
from pathlib import Path

import yaml
from datasets import DatasetDict

from ..data.labels import CLASS_NAMES, LabelTable
from ..data.splits import SPLITS
from ..data.stats import compute_stats, load_stats
from .templates import render_template


def _cell(value) -> str:
    """Text safe inside a markdown table cell (pipes escaped, newlines flattened)."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _size_category(count: int) -> str:
    """Hub `size_categories` bucket of a row count."""
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if count < bound:
            return name
    return "n>1M"


def _corpus_info_from_scripts(corpora) -> dict:
    """Metadata of corpora from their scripts (for a `DatasetDict` without build report)."""
    from dataset_scripts import available_corpora, get_script

    info = {}
    for corpus in corpora:
        if corpus in available_corpora():
            script = get_script(corpus)
            info[corpus] = {
                "name": script.name,
                "license": script.license,
                "citation": script.citation,
                "homepage": script.homepage,
            }
        else:
            info[corpus] = {"name": corpus, "license": "unknown", "citation": "", "homepage": ""}
    return info


def _label_rows(table: LabelTable, corpora) -> list[dict]:
    """Label-table rows of the given corpora, ready for the template."""
    rows = []
    for row in table.to_records(corpora):
        rows.append(
            {
                "corpus": row["corpus_id"],
                "raw_label": _cell(row["raw_label"]),
                "emotion": _cell(row["emotion"]),
                "arousal": row["arousal"] or "-",
                "valence": row["valence"] or "-",
                "class_name": row["class_name"] or "excluded",
                "certainty": row["certainty"],
            }
        )
    return rows


def dataset_card(
    dataset_dir_or_dict: str | os.PathLike | DatasetDict,
    *,
    label_table: LabelTable | None = None,
    pretty_name: str = "EmoSet++",
    repo_id: str | None = None,
    license: str = "other",
) -> str:
    """
    Renders the dataset card of a built EmoSet++.

    Args:
        dataset_dir_or_dict (`str`, `os.PathLike` or `DatasetDict`): A saved EmoSet++ folder (its `stats.json` gives
            corpus metadata, split methods and skipped files; its `label_map.csv` the label rows) or an in-memory
            `DatasetDict` (metadata from the corpus scripts).
        label_table ([`LabelTable`], *optional*): Table for the label section; defaults to the folder's
            `label_map.csv`, else the package table.
        pretty_name (`str`, *optional*, defaults to `"EmoSet++"`): Title.
        repo_id (`str`, *optional*): Hub repository id, used in the loading example.
        license (`str`, *optional*, defaults to `"other"`): Licence of the assembled dataset (each corpus keeps its
            own, listed in the card).

    Returns:
        `str`: the README.md text with a YAML header.

    Raises:
        FileNotFoundError: a folder that is not a saved dataset.
    """
    if isinstance(dataset_dir_or_dict, DatasetDict):
        stats = compute_stats(dataset_dir_or_dict)
        stats["corpus_info"] = _corpus_info_from_scripts(stats["corpora"])
        stats["skipped"] = []
    else:
        directory = Path(dataset_dir_or_dict)
        stats = load_stats(directory)
        if label_table is None and (directory / "label_map.csv").is_file():
            label_table = LabelTable.load(directory / "label_map.csv")
    if label_table is None:
        label_table = LabelTable.load()
    corpora = list(stats["corpora"])
    info = stats.get("corpus_info") or {}
    missing_info = _corpus_info_from_scripts([c for c in corpora if c not in info])
    info = {**missing_info, **info}

    languages = sorted(
        {lang for entry in stats["corpora"].values() for lang in entry.get("languages", []) if lang and lang != "und"}
    )
    header = {
        "pretty_name": pretty_name,
        "license": license,
        "language": languages,
        "task_categories": ["audio-classification"],
        "tags": ["speech-emotion-recognition", "emotion", "arousal", "valence", "audio", "exhubert"],
        "size_categories": [_size_category(stats["total"]["utterances"])],
    }
    corpus_rows = []
    for corpus in corpora:
        entry, meta = stats["corpora"][corpus], info.get(corpus, {})
        corpus_rows.append(
            {
                "id": corpus,
                "name": _cell(meta.get("name") or corpus),
                "languages": ", ".join(entry.get("languages", [])),
                "counts": " / ".join(str(entry["splits"].get(split, {}).get("utterances", 0)) for split in SPLITS),
                "utterances": entry["utterances"],
                "hours": f"{entry['hours']:.2f}",
                "speakers": entry["speakers"] or "-",
                "classes": " / ".join(str(entry["classes"][name]) for name in CLASS_NAMES),
                "license": _cell(meta.get("license") or "unknown"),
                "homepage": meta.get("homepage") or "",
                "citation": (meta.get("citation") or "").strip(),
                "split_method": _cell(meta.get("split_method") or "unknown"),
                "split_details": _cell(meta.get("split_details") or ""),
                "warnings": meta.get("warnings") or [],
            }
        )
    skipped_counts: dict[tuple[str, str], int] = {}
    for entry in stats.get("skipped", []):
        key = (entry["corpus"], entry["stage"])
        skipped_counts[key] = skipped_counts.get(key, 0) + 1
    return render_template(
        "dataset_card.md.j2",
        yaml_header=yaml.safe_dump(header, sort_keys=False, allow_unicode=True).strip(),
        pretty_name=pretty_name,
        repo_id=repo_id,
        total=stats["total"],
        splits=[(split, stats["splits"][split]) for split in SPLITS if split in stats["splits"]],
        class_names=list(CLASS_NAMES),
        corpora=corpus_rows,
        label_rows=_label_rows(label_table, corpora),
        label_version=label_table.version,
        build=stats.get("build") or {},
        durations=stats.get("durations") or {},
        skipped_total=len(stats.get("skipped", [])),
        skipped_counts=[
            {"corpus": corpus, "stage": stage, "count": count}
            for (corpus, stage), count in sorted(skipped_counts.items())
        ],
    )
