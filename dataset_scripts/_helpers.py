"""Helpers shared by the corpus scripts (the leading underscore keeps this module out of `available_corpora()`)."""

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from exhubert.data.corpus import CorpusScan, CorpusScript

GENDER_CODES = {"f": "female", "m": "male", "c": "child"}
"""One-letter gender/voice-type codes used by several corpora (case-insensitive)."""


def read_text(path: Path, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")) -> str:
    """
    Reads a small metadata text file whose encoding varies between copies of a corpus.

    A UTF-16 byte-order mark wins; otherwise the encodings are tried in order.

    Args:
        path (`Path`): The file.
        encodings (`tuple[str, ...]`): Encodings to try, most likely first.

    Returns:
        `str`: the decoded text.

    Raises:
        ValueError: none of the encodings decodes the file; the message names it.
    """
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: cannot decode the file with any of {', '.join(encodings)}.")


def read_csv(path: Path, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")) -> list[dict[str, str]]:
    """
    Reads a CSV metadata file into rows keyed by the (stripped) header names.

    Args:
        path (`Path`): The CSV file.
        encodings (`tuple[str, ...]`): Encodings to try (see [`read_text`]).

    Returns:
        `list[dict[str, str]]`: one dict per data row, values stripped of surrounding whitespace.
    """
    reader = csv.DictReader(io.StringIO(read_text(path, encodings), newline=""))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def read_metadata(
    script: CorpusScript, root: Path, name: str, columns: Iterable[str], scan: CorpusScan, consequence: str
) -> tuple[Path, list[dict[str, str]]] | None:
    """
    Finds the metadata CSV `name` anywhere under `root` and reads it.

    Args:
        script ([`~exhubert.data.corpus.CorpusScript`]): The calling script (names the corpus in warnings).
        root (`Path`): The corpus root.
        name (`str`): File name of the metadata CSV.
        columns (`Iterable[str]`): Columns the file must have.
        scan ([`~exhubert.data.corpus.CorpusScan`]): Receives the warning when the file is unusable.
        consequence (`str`): What a missing file means for the build, for the warning (e.g. "gender is unknown").

    Returns:
        `(path, rows)` of the first file found, or `None` (with a warning in `scan`) when there is none or it lacks
        one of `columns`.
    """
    files = find_files(root, name)
    if not files:
        scan.warnings.append(f"{script.corpus_id}: {name} not found under {root}; {consequence}.")
        return None
    rows = read_csv(files[0])
    missing = sorted(set(columns) - set(rows[0] if rows else ()))
    if missing:
        scan.warnings.append(f"{script.corpus_id}: {files[0]} lacks the columns {', '.join(missing)}; {consequence}.")
        return None
    return files[0], rows


def find_files(root: Path, name: str) -> list[Path]:
    """All files called `name` under `root` (sorted; macOS `._` resource forks excluded)."""
    return sorted(p for p in root.rglob(name) if p.is_file() and not p.name.startswith("._"))


def find_dirs(root: Path, names: Iterable[str]) -> list[Path]:
    """All directories under `root` (including `root`) whose name is in `names`, sorted."""
    names = set(names)
    found = [root] if root.name in names else []
    found += [p for p in root.rglob("*") if p.is_dir() and p.name in names]
    return sorted(found)
