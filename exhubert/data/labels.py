"""
The EmoSet++ label table: every corpus' raw labels mapped to a normalised English emotion, binary arousal, ternary
valence and one of the 6 ExHuBERT classes.

The table is package data (`exhubert/data/label_map.csv`), one row per `(corpus_id, raw_label)`, with the columns

| column | meaning |
|---|---|
| `corpus_id` | catalog id of the corpus (the `corpus` column of EmoSet++) |
| `raw_label` | the label exactly as the corpus (or its corpus script) writes it |
| `emotion` | normalised English emotion term |
| `arousal` | `low` or `high` (empty for labels excluded on purpose) |
| `valence` | `negative`, `neutral` or `positive` (empty for labels excluded on purpose) |
| `class_id` | 0-5 in the order of `exhubert.EXHUBERT_LABELS`; empty = excluded on purpose (e.g. IEMOCAP `xxx`) |
| `certainty` | `ok` or `uncertain` |
| `basis` | why the row maps where it does (class anchor, circumplex placement, lexicon value, ...) |
| `source` | where the raw label comes from |
| `notes`, `nrc_word`, `nrc_valence`, `nrc_arousal` | optional evidence |
| `version` | table version in which the row was last changed; the table version is the highest one |

The class id is determined by arousal and valence (`class_id = 3 * (arousal == "high") + valence index`), with the
anchors of the published model: disgust -> low_negative, neutral -> low_neutral, kind -> low_positive, anger ->
high_negative, surprise -> high_neutral, joy/happiness -> high_positive.

Users override or add rows with their own CSV of the same columns (only `corpus_id`, `raw_label` and either `class_id`
or `arousal` + `valence` are required): `LabelTable.load(overrides="my_labels.csv")`, or `--label-map FILE` on the
command line.
"""

import csv
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..models.exhubert.configuration_exhubert import EXHUBERT_LABELS

PACKAGE_TABLE = Path(__file__).with_name("label_map.csv")
"""The label table shipped with the package."""

CLASS_NAMES = tuple(EXHUBERT_LABELS)
"""The 6 class names in class-id order (low_negative, low_neutral, low_positive, high_negative, ...)."""

AROUSAL_LEVELS = ("low", "high")
VALENCE_LEVELS = ("negative", "neutral", "positive")

ANCHORS = {
    "disgust": 0,
    "neutral": 1,
    "kind": 2,
    "anger": 3,
    "surprise": 4,
    "joy": 5,
    "happiness": 5,
}
"""Class anchors fixed by the published ExHuBERT model: normalised emotion -> class id."""

COLUMNS = (
    "corpus_id",
    "raw_label",
    "emotion",
    "arousal",
    "valence",
    "class_id",
    "certainty",
    "basis",
    "source",
    "notes",
    "nrc_word",
    "nrc_valence",
    "nrc_arousal",
    "version",
)
"""Columns of the table files, in the order they are written."""


def class_id_from_dimensions(arousal: str, valence: str) -> int:
    """
    The 6-class id of an (arousal, valence) pair.

    Args:
        arousal (`str`): `"low"` or `"high"`.
        valence (`str`): `"negative"`, `"neutral"` or `"positive"`.

    Returns:
        `int` in `[0, 5]`: `3 * (arousal == "high") + VALENCE_LEVELS.index(valence)`.

    Raises:
        ValueError: `arousal` or `valence` is not one of the levels above.
    """
    if arousal not in AROUSAL_LEVELS:
        raise ValueError(f"arousal must be one of {AROUSAL_LEVELS}, got {arousal!r}.")
    if valence not in VALENCE_LEVELS:
        raise ValueError(f"valence must be one of {VALENCE_LEVELS}, got {valence!r}.")
    return 3 * AROUSAL_LEVELS.index(arousal) + VALENCE_LEVELS.index(valence)


class UnmappedLabelError(KeyError, ValueError):
    """
    A raw label has no row in the label table. The message names the corpus, the label(s) and the table file to edit.

    Args:
        message (`str`): The full message.
        missing (`list[tuple[str, str]]`, *optional*): The `(corpus_id, raw_label)` pairs without a row.
    """

    def __init__(self, message: str, missing: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.missing = list(missing or [])

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class LabelMapping:
    """
    One row of the label table.

    Args:
        corpus_id (`str`): Catalog id of the corpus.
        raw_label (`str`): Label as the corpus writes it.
        emotion (`str`): Normalised English emotion.
        arousal (`str`, *optional*): `"low"`/`"high"`; `None` for rows excluded on purpose.
        valence (`str`, *optional*): `"negative"`/`"neutral"`/`"positive"`; `None` for rows excluded on purpose.
        class_id (`int`, *optional*): 0-5; `None` means the label is excluded on purpose (its files are skipped).
        certainty (`str`): `"ok"` or `"uncertain"`.
        basis (`str`): Why the row maps where it does.
        source (`str`): Where the raw label comes from.
        notes (`str`): Free text.
        version (`str`, *optional*): Table version in which the row was last changed.
        table (`str`): The file the row was read from (package table or a user override file).
    """

    corpus_id: str
    raw_label: str
    emotion: str
    arousal: str | None
    valence: str | None
    class_id: int | None
    certainty: str = "ok"
    basis: str = ""
    source: str = ""
    notes: str = ""
    version: str | None = None
    table: str = ""

    @property
    def class_name(self) -> str | None:
        """Name of the class (`"high_negative"`, ...) or `None` for an excluded label."""
        return None if self.class_id is None else CLASS_NAMES[self.class_id]

    @property
    def excluded(self) -> bool:
        """Whether the label is excluded on purpose (no class)."""
        return self.class_id is None


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _parse_row(row: dict, source: str, line: int) -> LabelMapping:
    """Validates one CSV row and turns it into a [`LabelMapping`]; errors name the file and line."""
    where = f"{source}, line {line}"
    corpus_id, raw_label = _clean(row.get("corpus_id")), _clean(row.get("raw_label"))
    if not corpus_id or not raw_label:
        raise ValueError(f"{where}: `corpus_id` and `raw_label` are required (got {corpus_id!r}, {raw_label!r}).")
    arousal = _clean(row.get("arousal")).lower() or None
    valence = _clean(row.get("valence")).lower() or None
    class_text = _clean(row.get("class_id"))
    if class_text:
        try:
            class_id = int(class_text)
        except ValueError:
            raise ValueError(f"{where}: class_id must be an integer 0-5 or empty, got {class_text!r}.") from None
        if not 0 <= class_id < len(CLASS_NAMES):
            raise ValueError(f"{where}: class_id must be in 0-5 (empty = excluded), got {class_id}.")
        if arousal is None and valence is None:
            arousal, valence = AROUSAL_LEVELS[class_id // 3], VALENCE_LEVELS[class_id % 3]
    else:
        class_id = None
    if arousal is not None or valence is not None:
        try:
            derived = class_id_from_dimensions(arousal or "", valence or "")
        except ValueError as error:
            raise ValueError(f"{where} ({corpus_id}, {raw_label!r}): {error}") from None
        if class_id is None and not class_text:
            class_id = derived
        elif class_id != derived:
            raise ValueError(
                f"{where} ({corpus_id}, {raw_label!r}): class_id {class_id} ({CLASS_NAMES[class_id]}) contradicts "
                f"arousal={arousal!r}, valence={valence!r} (class {derived}, {CLASS_NAMES[derived]})."
            )
    certainty = _clean(row.get("certainty")).lower() or "ok"
    if certainty not in ("ok", "uncertain"):
        raise ValueError(f"{where}: certainty must be 'ok' or 'uncertain', got {certainty!r}.")
    return LabelMapping(
        corpus_id=corpus_id,
        raw_label=raw_label,
        emotion=_clean(row.get("emotion")) or raw_label.lower(),
        arousal=arousal,
        valence=valence,
        class_id=class_id,
        certainty=certainty,
        basis=_clean(row.get("basis")),
        source=_clean(row.get("source")),
        notes=_clean(row.get("notes")),
        version=_clean(row.get("version")) or None,
        table=source,
    )


def read_table_file(path: str | os.PathLike) -> list[LabelMapping]:
    """
    Reads and validates one label-table CSV (the package table or a user file).

    Args:
        path (`str` or `os.PathLike`): CSV with at least the columns `corpus_id`, `raw_label` and `class_id` or
            `arousal` + `valence`. Lines starting with `#` are comments.

    Returns:
        `list[LabelMapping]` in file order.

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: a required column is missing, a value is invalid, or a `(corpus_id, raw_label)` pair appears
            twice in the file; the message names the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Label table {path} not found.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        lines = [(number, text) for number, text in enumerate(handle, start=1) if not text.lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"Label table {path} is empty.")
    reader = csv.DictReader(text for _, text in lines)
    header = set(reader.fieldnames or ())
    if not {"corpus_id", "raw_label"} <= header or not ({"class_id"} <= header or {"arousal", "valence"} <= header):
        raise ValueError(
            f"Label table {path} needs the columns corpus_id, raw_label and class_id (or arousal and valence); "
            f"found {sorted(header)}."
        )
    rows, seen = [], {}
    line_numbers = [number for number, _ in lines[1:]]
    for index, row in enumerate(reader):
        line = line_numbers[index] if index < len(line_numbers) else index + 2
        if not any(_clean(value) for value in row.values() if isinstance(value, str)):
            continue
        mapping = _parse_row(row, str(path), line)
        key = (mapping.corpus_id, mapping.raw_label)
        if key in seen:
            raise ValueError(
                f"{path}, line {line}: ({mapping.corpus_id}, {mapping.raw_label!r}) is already defined on line "
                f"{seen[key]}; keep one row per corpus and raw label."
            )
        seen[key] = line
        rows.append(mapping)
    return rows


def _version_key(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


class LabelTable:
    """
    The label table: package rows plus optional user overrides, looked up by `(corpus_id, raw_label)`.

    Create it with [`LabelTable.load`]. Lookups are exact first; a label that differs only in case or surrounding
    whitespace from exactly one row of the corpus matches that row.

    Args:
        rows (`Iterable[LabelMapping]`): Rows; later rows replace earlier ones with the same key.
        paths (`list[str]`): The files the rows come from, base table first (for messages and the dataset card).
    """

    def __init__(self, rows: Iterable[LabelMapping], paths: list[str] | None = None):
        self._rows: dict[tuple[str, str], LabelMapping] = {}
        for row in rows:
            self._rows[(row.corpus_id, row.raw_label)] = row
        self.paths = list(paths or [])
        self._folded: dict[tuple[str, str], list[LabelMapping]] = {}
        for row in self._rows.values():
            self._folded.setdefault((row.corpus_id, row.raw_label.strip().casefold()), []).append(row)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike | None = None,
        overrides: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
    ) -> "LabelTable":
        """
        Loads the package table (or `path`) and applies user override files on top.

        Args:
            path (`str` or `os.PathLike`, *optional*): Base table; defaults to the package's `label_map.csv`.
            overrides (`str`, `os.PathLike` or a list of them, *optional*): User CSV file(s) whose rows replace base
                rows with the same `(corpus_id, raw_label)` or add new ones; later files win.

        Returns:
            [`LabelTable`].

        Raises:
            FileNotFoundError: a table file does not exist.
            ValueError: a table file is malformed (the message names file and line).
        """
        base = Path(path) if path is not None else PACKAGE_TABLE
        if overrides is None:
            override_paths = []
        elif isinstance(overrides, (str, os.PathLike)):
            override_paths = [Path(overrides)]
        else:
            override_paths = [Path(item) for item in overrides]
        rows = read_table_file(base)
        for override in override_paths:
            rows.extend(read_table_file(override))
        return cls(rows, paths=[str(base)] + [str(item) for item in override_paths])

    @property
    def version(self) -> str:
        """Version of the table: the highest `version` of its rows (`"unversioned"` when no row has one)."""
        versions = [row.version for row in self._rows.values() if row.version]
        if not versions:
            return "unversioned"
        return max(versions, key=_version_key)

    @property
    def rows(self) -> list[LabelMapping]:
        """All rows, sorted by corpus and raw label."""
        return [self._rows[key] for key in sorted(self._rows)]

    def __iter__(self) -> Iterator[LabelMapping]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: tuple[str, str]) -> bool:
        try:
            self.lookup(*key)
        except UnmappedLabelError:
            return False
        return True

    def corpora(self) -> list[str]:
        """Sorted ids of the corpora that have rows."""
        return sorted({corpus for corpus, _ in self._rows})

    def rows_for(self, corpus_id: str) -> list[LabelMapping]:
        """The rows of one corpus, sorted by raw label."""
        return [self._rows[key] for key in sorted(self._rows) if key[0] == corpus_id]

    def edit_hint(self) -> str:
        """Which file to edit or pass to add a missing row (used in error messages)."""
        base = self.paths[0] if self.paths else str(PACKAGE_TABLE)
        return (
            f"add a row (corpus_id, raw_label, emotion, arousal, valence, class_id, ...) to {base}, or pass your own "
            "label file with `--label-map FILE` (`LabelTable.load(overrides=FILE)`, `build_emoset(label_map=FILE)`)"
        )

    def lookup(self, corpus_id: str, raw_label: str) -> LabelMapping:
        """
        The row of `(corpus_id, raw_label)`.

        Args:
            corpus_id (`str`): Corpus id (or the manifest corpus name).
            raw_label (`str`): Label as the corpus writes it.

        Returns:
            [`LabelMapping`]; its `class_id` is `None` for labels excluded on purpose.

        Raises:
            UnmappedLabelError: no row matches; the message names corpus, label and the table to edit.
        """
        row = self._rows.get((corpus_id, raw_label))
        if row is not None:
            return row
        folded = self._folded.get((corpus_id, str(raw_label).strip().casefold()), [])
        if len(folded) == 1:
            return folded[0]
        known = ", ".join(repr(item.raw_label) for item in self.rows_for(corpus_id)) or "none"
        raise UnmappedLabelError(
            f"Label {raw_label!r} of corpus {corpus_id!r} is not in the label table (rows of {corpus_id!r}: {known}); "
            f"{self.edit_hint()}.",
            missing=[(corpus_id, raw_label)],
        )

    def distinct_label_counts(self, corpora: Iterable[str] | None = None) -> dict[str, int]:
        """
        Counts of distinct labels under several counting rules (the paper reports 106 without saying how it counts).

        Args:
            corpora (`Iterable[str]`, *optional*): Count only these corpora.

        Returns:
            `dict` with `pairs` (distinct `(corpus, raw label)` rows), `raw_exact` (distinct raw strings),
            `raw_casefolded` (distinct raw strings after case folding: the main count), `emotions` (distinct
            normalised emotions), `excluded` (rows without a class) and `corpora`.
        """
        keep = None if corpora is None else set(corpora)
        rows = [row for row in self.rows if keep is None or row.corpus_id in keep]
        return {
            "pairs": len(rows),
            "raw_exact": len({row.raw_label for row in rows}),
            "raw_casefolded": len({row.raw_label.casefold() for row in rows}),
            "emotions": len({row.emotion for row in rows}),
            "excluded": sum(row.excluded for row in rows),
            "corpora": len({row.corpus_id for row in rows}),
        }

    def to_records(self, corpora: Iterable[str] | None = None) -> list[dict]:
        """
        Rows as plain dicts (for cards, JSON and printing).

        Args:
            corpora (`Iterable[str]`, *optional*): Keep only these corpora.
        """
        keep = None if corpora is None else set(corpora)
        records = []
        for row in self.rows:
            if keep is not None and row.corpus_id not in keep:
                continue
            record = asdict(row)
            record["class_name"] = row.class_name
            records.append(record)
        return records

    def write_csv(self, path: str | os.PathLike, corpora: Iterable[str] | None = None) -> Path:
        """
        Writes the (merged) table as CSV atomically, e.g. next to a built dataset for reproducibility.

        Args:
            path (`str` or `os.PathLike`): Target file.
            corpora (`Iterable[str]`, *optional*): Keep only these corpora.

        Returns:
            `Path` of the written file.
        """
        path = Path(path)
        keep = None if corpora is None else set(corpora)
        names = [item.name for item in fields(LabelMapping) if item.name in COLUMNS]
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
            writer.writeheader()
            for row in self.rows:
                if keep is None or row.corpus_id in keep:
                    record = {name: getattr(row, name) for name in names}
                    writer.writerow({key: "" if value is None else value for key, value in record.items()})
        os.replace(tmp, path)
        return path
