"""
Generic corpus script for corpora without a public layout (in-house or on-request corpora such as ABC, SIMIS,
AD, PPMMK-EMO, TurkishEmo, EA-*): the user lists the files in a manifest and names the corpus.

Command line:

```bash
exhubert emoset build --manifest abc=/data/abc/manifest.csv --corpus ravdess=/data/RAVDESS --output emoset
# a .csv/.tsv/.jsonl/.json path given to --corpus is read as a manifest too:
exhubert emoset build --corpus simis=/data/simis/files.jsonl --output emoset
```

`NAME` becomes the `corpus` column and the prefix of the ids; its labels are looked up in the label table under
`corpus_id == NAME`. The package table already has rows for the catalogued corpora with known label sets (e.g. `abc`,
`simis`, `smartkom`, `gemep`); for any other name give the rows in your own file with `--label-map FILE` (columns
`corpus_id, raw_label, emotion, arousal, valence, class_id`, see `exhubert.data.labels`).

Manifest format: a CSV/TSV file with a header row, or JSON Lines (one object per line; a `.json` file may also hold a
list of objects). Columns (other columns are ignored):

| column | required | meaning |
|---|---|---|
| `file` (or `path`, `audio`, `file_name`) | yes | audio file; a relative path is taken from the manifest's folder |
| `label` (or `emotion`) | yes | raw label as the corpus writes it |
| `speaker` | no | speaker id (enables the speaker-independent split) |
| `gender` | no | `female`/`male`/`child` (also `f`/`m`/`c`/`w`) |
| `language` | no | ISO 639-1 code (default: `und` with a warning) |
| `text` | no | transcript or sentence id |
| `split` | no | official split: `train`, `validation` (`dev`, `val`), `test` |
| `id` | no | utterance id, unique within the corpus (default: the file path relative to the manifest's folder) |
| `start`, `end` | no | segment bounds in seconds, for utterances cut from longer recordings |

Rows with a missing file, an empty label or an invalid value are recorded as skipped with the line number and
reason. An official split is used by the default (speaker-independent) policy only when every row has one and no
speaker appears in two splits.
"""

import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from exhubert.data.corpus import AUDIO_EXTENSIONS, CorpusScan, CorpusScript, Example
from exhubert.data.splits import normalize_split_name, speaker_overlap

from ._helpers import GENDER_CODES

MANIFEST_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")
"""File suffixes read as manifests."""

MANIFEST_NAMES = ("manifest.csv", "manifest.tsv", "manifest.jsonl", "manifest.json", "metadata.csv")
"""File names looked for when a manifest corpus is given a folder instead of a file."""

_FILE_COLUMNS = ("file", "path", "audio", "file_name", "filename")
_LABEL_COLUMNS = ("label", "emotion")
_GENDERS = {
    **GENDER_CODES,
    **{name: name for name in GENDER_CODES.values()},
    "w": "female",
    "woman": "female",
    "man": "male",
    "kid": "child",
}


def is_manifest_path(path: str | os.PathLike) -> bool:
    """Whether `path` is a file with a manifest suffix (`.csv`, `.tsv`, `.jsonl`, `.json`)."""
    path = Path(path)
    return path.suffix.lower() in MANIFEST_SUFFIXES and not path.is_dir()


def find_manifest(path: str | os.PathLike) -> Path:
    """
    The manifest file given `path` (the file itself, or a folder holding one of `MANIFEST_NAMES`).

    Raises:
        FileNotFoundError: `path` does not exist, or a folder holds no manifest file.
    """
    path = Path(path).expanduser()
    if path.is_file():
        return path.resolve()
    if path.is_dir():
        for name in MANIFEST_NAMES:
            if (path / name).is_file():
                return (path / name).resolve()
        raise FileNotFoundError(f"{path} holds no manifest file (looked for {', '.join(MANIFEST_NAMES)}).")
    raise FileNotFoundError(f"Manifest {path} does not exist.")


def read_manifest(path: str | os.PathLike) -> Iterator[tuple[int, dict]]:
    """
    Reads the rows of a manifest.

    Args:
        path (`str` or `os.PathLike`): CSV/TSV with a header row, JSON Lines, or a JSON list of objects.

    Returns:
        Iterator of `(line_number, row_dict)`; keys are lower-cased and stripped.

    Raises:
        ValueError: a JSON line is not an object or cannot be parsed, or a CSV has no header.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        text = path.read_text(encoding="utf-8-sig")
        stripped = text.lstrip()
        if suffix == ".json" and stripped.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}: invalid JSON ({error}).") from None
            entries: Iterable[tuple[int, object]] = enumerate(items, start=1)
        else:
            entries = []
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entries.append((number, json.loads(line)))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}, line {number}: invalid JSON ({error}).") from None
        for number, item in entries:
            if not isinstance(item, dict):
                raise ValueError(f"{path}, entry {number}: expected a JSON object, got {type(item).__name__}.")
            yield number, {str(key).strip().lower(): value for key, value in item.items()}
        return
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
        if not reader.fieldnames:
            raise ValueError(f"{path}: the manifest is empty or has no header row.")
        for row in reader:
            yield reader.line_num, {str(key).strip().lower(): value for key, value in row.items() if key is not None}


def _text(row: dict, *names: str) -> str | None:
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


class ManifestCorpus(CorpusScript):
    """
    A corpus given as a manifest file (see the module docstring for the format and the command-line syntax).

    Args:
        corpus_id (`str`, *optional*, defaults to `"manifest"`): The corpus name (the `corpus` column and the
            label-table key).
        language (`str`, *optional*): Language for rows without a `language` column value.
        license (`str`, *optional*): Licence, for the dataset card.
        citation (`str`, *optional*): Citation, for the dataset card.
        homepage (`str`, *optional*): Homepage, for the dataset card.
    """

    name = "manifest corpus"
    audio_extensions = AUDIO_EXTENSIONS

    def __init__(
        self,
        corpus_id: str = "manifest",
        language: str | None = None,
        license: str = "unknown",
        citation: str = "",
        homepage: str = "",
    ):
        if not corpus_id or not all(ch.isalnum() or ch in "_-." for ch in corpus_id):
            raise ValueError(f"Invalid corpus name {corpus_id!r}: use letters, digits, '_', '-' or '.'.")
        self.corpus_id = corpus_id
        self.name = f"{corpus_id} (manifest)"
        self.language = language
        self.license = license
        self.citation = citation
        self.homepage = homepage
        self.languages = (language,) if language else ()
        self.has_official_split = False
        self.official_split_speaker_independent = False

    def iter_examples(self, root: Path, scan: CorpusScan) -> Iterator[Example]:
        """Yields one [`Example`] per valid manifest row of the manifest `root`; invalid rows go to `scan.skipped`."""
        base = root.parent
        columns_checked = False
        missing_language = 0
        for line, row in read_manifest(root):
            where = f"{root}, line {line}"
            if not columns_checked:
                if not any(name in row for name in _FILE_COLUMNS) or not any(name in row for name in _LABEL_COLUMNS):
                    raise ValueError(
                        f"{root}: a manifest needs a file column ({'/'.join(_FILE_COLUMNS)}) and a label column "
                        f"({'/'.join(_LABEL_COLUMNS)}); found {sorted(row)}."
                    )
                columns_checked = True
            file = _text(row, *_FILE_COLUMNS)
            label = _text(row, *_LABEL_COLUMNS)
            if file is None:
                scan.skipped.append((where, "no file given"))
                continue
            path = Path(file).expanduser()
            path = (path if path.is_absolute() else base / path).resolve()
            if label is None:
                scan.skipped.append((str(path), f"{where}: empty label"))
                continue
            if not path.is_file():
                scan.skipped.append((str(path), f"{where}: file not found"))
                continue
            gender = _text(row, "gender", "sex")
            if gender is not None:
                if gender.lower() not in _GENDERS:
                    scan.skipped.append(
                        (str(path), f"{where}: unknown gender {gender!r} (use female/male/child or f/m/c)")
                    )
                    continue
                gender = _GENDERS[gender.lower()]
            try:
                split = normalize_split_name(_text(row, "split", "partition"))
                start = float(row["start"]) if _text(row, "start") is not None else None
                end = float(row["end"]) if _text(row, "end") is not None else None
            except ValueError as error:
                scan.skipped.append((str(path), f"{where}: {error}"))
                continue
            if start is not None and end is not None and end <= start:
                scan.skipped.append((str(path), f"{where}: end {end} is not after start {start}"))
                continue
            language = _text(row, "language", "lang") or self.language
            if language is None:
                missing_language += 1
                language = "und"
            identifier = _text(row, "id", "utterance_id")
            if identifier is None:
                identifier = Path(os.path.relpath(path, base)).with_suffix("").as_posix()
                if start is not None or end is not None:
                    identifier += f"@{start or 0.0:g}-{end if end is not None else 'end'}"
            yield Example(
                path=str(path),
                raw_label=label,
                language=language,
                speaker=_text(row, "speaker", "speaker_id"),
                gender=gender,
                text=_text(row, "text", "transcript", "sentence"),
                split=split,
                id=identifier,
                start=start,
                end=end,
            )
        if missing_language:
            scan.warnings.append(
                f"{self.corpus_id}: {missing_language} rows have no language; set to 'und' (add a `language` column)."
            )

    def scan(self, root: str | os.PathLike) -> CorpusScan:
        """
        Reads the manifest `root` (a manifest file, or a folder holding one of `MANIFEST_NAMES`).

        Sets `has_official_split` and `official_split_speaker_independent` from what the rows show: a split column
        filled on every row, and no speaker in two splits.

        Raises:
            FileNotFoundError: the manifest does not exist.
            ValueError: the manifest lacks the file/label columns or yields no usable row.
        """
        manifest = find_manifest(root)
        scan = CorpusScan(corpus_id=self.corpus_id, root=str(manifest))
        scan.examples.extend(self.iter_examples(manifest, scan))
        if not scan.examples:
            raise ValueError(
                f"{self.corpus_id}: no usable row in the manifest {manifest} ({len(scan.skipped)} rows skipped"
                + (f", first: {scan.skipped[0][1]}" if scan.skipped else "")
                + ")."
            )
        splits = [example.split for example in scan.examples]
        self.has_official_split = all(split is not None for split in splits)
        speakers = [example.speaker for example in scan.examples]
        self.official_split_speaker_independent = (
            self.has_official_split and None not in speakers and not speaker_overlap(speakers, splits)
        )
        if any(split is not None for split in splits) and not self.has_official_split:
            scan.warnings.append(f"{self.corpus_id}: only some manifest rows have a split; the column is ignored.")
        return scan


SCRIPT = ManifestCorpus()
