"""Helpers shared by the corpus scripts (the leading underscore keeps this module out of `available_corpora()`)."""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from exhubert.data.corpus import CorpusScan, CorpusScript, Example, UnparseableName

GENDER_CODES = {"f": "female", "m": "male", "c": "child"}
"""One-letter gender/voice-type codes used by several corpora (case-insensitive)."""


def match_name(script: CorpusScript, path: Path) -> re.Match:
    """
    Matches a file name against the script's `file_pattern`.

    Args:
        script ([`~exhubert.data.corpus.CorpusScript`]): The script whose `file_pattern` applies.
        path (`Path`): The file.

    Returns:
        `re.Match`: the full match of the file name.

    Raises:
        UnparseableName: the name does not follow the corpus' naming.
    """
    match = re.fullmatch(script.file_pattern, path.name)
    if match is None:
        raise UnparseableName(f"name does not match the {script.name} pattern {script.file_pattern}")
    return match


def iter_parsed(
    script: CorpusScript,
    paths: Iterable[Path],
    scan: CorpusScan,
    parse: Callable[[Path], Example | None],
) -> Iterator[Example]:
    """
    Parses candidate files one by one, recording every [`UnparseableName`] in `scan.skipped` with its reason.

    Args:
        script ([`~exhubert.data.corpus.CorpusScript`]): The calling script (names the corpus in messages).
        paths (`Iterable[Path]`): Candidate files.
        scan ([`~exhubert.data.corpus.CorpusScan`]): Receives the skips.
        parse (`Callable`): Turns one path into an [`Example`]; may raise [`UnparseableName`].

    Yields:
        [`Example`]: the parsed utterances.
    """
    for path in paths:
        try:
            example = parse(path)
        except UnparseableName as error:
            scan.skipped.append((str(path), f"{script.corpus_id}: {error}"))
            continue
        if example is not None:
            yield example


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
    rows = []
    for row in reader:
        rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items()})
    return rows


def find_files(root: Path, name: str) -> list[Path]:
    """All files called `name` under `root` (sorted; macOS `._` resource forks excluded)."""
    return sorted(p for p in root.rglob(name) if p.is_file() and not p.name.startswith("._"))


def find_dirs(root: Path, names: Iterable[str]) -> list[Path]:
    """All directories under `root` (including `root`) whose name is in `names`, sorted."""
    names = set(names)
    found = [root] if root.name in names else []
    found += [p for p in root.rglob("*") if p.is_dir() and p.name in names]
    return sorted(found)
