"""
`exhubert emoset {labels, build, stats, push}`: the EmoSet++ label table, building from local corpus copies,
statistics with plots, and upload to the Hub.

```bash
exhubert emoset labels
exhubert emoset build --corpus ravdess=/data/RAVDESS --corpus savee=/data/SAVEE --manifest abc=/data/abc.csv \\
    --output emoset --num-proc 4 --max-duration 30
exhubert emoset stats emoset
exhubert emoset push emoset user/emoset --private
```
"""

import argparse
import logging
import sys
from pathlib import Path


def _name_path(value: str) -> tuple[str, str]:
    """Parses `NAME=PATH` (argparse type)."""
    name, sep, path = value.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {value!r}")
    return name.strip(), path.strip()


def register(subparsers) -> None:
    """Adds the `emoset` sub-command and its `labels`, `build`, `stats` and `push` actions."""
    parser = subparsers.add_parser(
        "emoset",
        help="EmoSet++: label table, build from local corpora, statistics, push to the Hub",
        description="Build and inspect EmoSet++, the multi-corpus speech emotion dataset of ExHuBERT.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    labels = actions.add_parser("labels", help="print the label table and count the distinct raw labels")
    labels.add_argument("--label-map", action="append", metavar="FILE", help="user label CSV overriding the table")
    labels.add_argument("--corpus", action="append", metavar="ID", help="only these corpora (repeatable)")
    labels.add_argument("--csv", action="store_true", help="print CSV instead of an aligned table")
    labels.set_defaults(func=run_labels)

    build = actions.add_parser(
        "build",
        help="build EmoSet++ from local corpus copies",
        description="Scan corpora in their original layout (or manifests), map labels, split speaker-independently, "
        "decode every file once to 16 kHz mono and save a DatasetDict (datasets.load_from_disk(DIR)) atomically.",
    )
    build.add_argument(
        "--corpus",
        action="append",
        type=_name_path,
        default=[],
        metavar="NAME=PATH",
        help="corpus script id and the corpus root; a .csv/.tsv/.jsonl/.json PATH is read as a manifest (repeatable)",
    )
    build.add_argument(
        "--manifest",
        action="append",
        type=_name_path,
        default=[],
        metavar="NAME=FILE",
        help="a corpus without script, listed in a CSV/JSONL manifest (file,label,speaker,...; see "
        "dataset_scripts/manifest.py); NAME is its corpus id (repeatable)",
    )
    build.add_argument("--output", required=True, metavar="DIR", help="output folder (must not exist or be empty)")
    build.add_argument("--num-proc", type=int, default=1, metavar="N", help="decoding processes (default 1)")
    build.add_argument("--max-duration", type=float, metavar="S", help="skip (and report) files longer than S seconds")
    build.add_argument("--seed", type=int, default=42, help="split seed (default 42)")
    build.add_argument("--label-map", action="append", metavar="FILE", help="user label CSV overriding the table")
    build.add_argument(
        "--split-policy",
        choices=("speaker", "official"),
        default="speaker",
        help="speaker: speaker-independent splits, official ones only when speaker-independent (default); "
        "official: use every official split as it is",
    )
    build.add_argument(
        "--skip-unmapped", action="store_true", help="skip (and report) files whose label has no table row"
    )
    build.add_argument(
        "--audio-format",
        choices=("float32", "int16"),
        default="float32",
        help="stored WAV samples: float32 (exact, default) or int16 (half the size)",
    )
    build.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    build.set_defaults(func=run_build)

    stats = actions.add_parser("stats", help="print the statistics of a built EmoSet++ and draw PNG plots")
    stats.add_argument("dataset_dir", metavar="DIR", help="folder written by `exhubert emoset build`")
    stats.add_argument("--plots-dir", metavar="DIR", help="where to write the PNGs (default: DIR)")
    stats.add_argument("--no-plots", action="store_true", help="only print")
    stats.set_defaults(func=run_stats)

    push = actions.add_parser("push", help="push a built EmoSet++ and its dataset card to the Hub")
    push.add_argument("dataset_dir", metavar="DIR", help="folder written by `exhubert emoset build`")
    push.add_argument("repo_id", metavar="REPO_ID", help="Hub dataset repository, e.g. user/emoset")
    push.add_argument("--private", action="store_true", help="create the repository as private")
    push.add_argument("--token", help="Hub token (default: the logged-in token)")
    push.set_defaults(func=run_push)


def _enable_logging() -> None:
    """Shows the builder's INFO messages (scan, splits, skipped files) on stderr."""
    logger = logging.getLogger("exhubert")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def run_labels(args: argparse.Namespace) -> int:
    """Prints the label table and the distinct-label counts."""
    import csv

    from ..data.labels import LabelTable

    table = LabelTable.load(overrides=args.label_map)
    rows = table.to_records(args.corpus)
    if args.corpus:
        unknown = sorted(set(args.corpus) - set(table.corpora()))
        if unknown:
            available = ", ".join(table.corpora())
            raise ValueError(f"No label rows for {', '.join(unknown)}; corpora with rows: {available}.")
    columns = ("corpus_id", "raw_label", "emotion", "arousal", "valence", "class_id", "class_name", "certainty")
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
        return 0
    cells = [[("-" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for line in cells:
        print("  ".join(value.ljust(w) for value, w in zip(line, widths)).rstrip())
    counts = table.distinct_label_counts(args.corpus)
    print()
    print(f"label table version {table.version}: {', '.join(table.paths)}")
    print(
        f"{counts['pairs']} (corpus, raw label) rows in {counts['corpora']} corpora, "
        f"{counts['excluded']} excluded on purpose."
    )
    print(
        f"distinct raw labels: {counts['raw_casefolded']} (raw label strings across these corpora, case-insensitive; "
        f"{counts['raw_exact']} case-sensitive); {counts['emotions']} distinct normalised emotions. "
        "The paper reports 106 distinct labels without giving its counting rule."
    )
    return 0


def run_build(args: argparse.Namespace) -> int:
    """Builds EmoSet++ and prints its statistics."""
    from dataset_scripts.manifest import MANIFEST_SUFFIXES, find_manifest, is_manifest_path

    from ..data.builder import build_emoset
    from ..data.stats import format_stats, load_stats

    corpora: dict[str, str] = {}
    for name, path in [*args.corpus, *args.manifest]:
        if name in corpora:
            raise ValueError(f"Corpus {name!r} is given twice; each NAME may appear once.")
        corpora[name] = path
    if not corpora:
        raise ValueError("Give at least one --corpus NAME=PATH or --manifest NAME=FILE.")
    for name, path in args.manifest:
        path = Path(path)
        if path.is_dir():
            corpora[name] = str(find_manifest(path))
        elif not path.is_file():
            raise FileNotFoundError(f"Manifest of {name!r} not found: {path}")
        elif not is_manifest_path(path):
            raise ValueError(f"Manifest of {name!r} must be {', '.join(MANIFEST_SUFFIXES)}, got {path.name}.")
    _enable_logging()
    build_emoset(
        corpora,
        args.output,
        label_map=args.label_map,
        num_proc=args.num_proc,
        max_duration=args.max_duration,
        seed=args.seed,
        split_policy=args.split_policy,
        unmapped="skip" if args.skip_unmapped else "error",
        audio_format=args.audio_format,
        overwrite=args.overwrite,
    )
    print(format_stats(load_stats(args.output)))
    print(f"\nEmoSet++ written to {args.output} (datasets.load_from_disk({str(args.output)!r}))")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """Prints the statistics of a built EmoSet++ and writes the PNG plots."""
    from ..data.stats import format_stats, load_stats, plot_stats

    print(format_stats(load_stats(args.dataset_dir)))
    if not args.no_plots:
        for path in plot_stats(args.dataset_dir, args.plots_dir):
            print(f"wrote {path}")
    return 0


def run_push(args: argparse.Namespace) -> int:
    """Pushes a built EmoSet++ with its dataset card (`exhubert.hub.push.push_dataset`)."""
    from ..hub.push import push_dataset

    if not (Path(args.dataset_dir) / "dataset_dict.json").is_file():
        raise FileNotFoundError(f"{args.dataset_dir} is not a built EmoSet++ (no dataset_dict.json).")
    commit = push_dataset(args.dataset_dir, args.repo_id, private=args.private, token=args.token)
    url = getattr(commit, "commit_url", None) or f"https://huggingface.co/datasets/{args.repo_id}"
    print(f"pushed {args.dataset_dir} to {args.repo_id}: {url}")
    return 0
