"""The interface every corpus script in `dataset_scripts/` implements, and the scan report it returns."""

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".m4a", ".opus", ".aiff", ".aif", ".mp4", ".avi")


class UnparseableName(ValueError):
    """Raised by [`CorpusScript.parse`] when a file name does not follow the corpus' documented naming."""


@dataclass
class Example:
    """
    One utterance found by a corpus script, before decoding.

    Args:
        path (`str`): Absolute path of the audio (or audio-bearing video) file.
        raw_label (`str`): Label exactly as the corpus writes it (mapped to the 6 classes by the label table).
        speaker (`str`, *optional*): Speaker id, unique within the corpus; `None` when the corpus has none.
        gender (`str`, *optional*): `"female"`, `"male"`, `"child"` or `None` when unknown.
        language (`str`, *optional*): ISO 639-1 code; [`CorpusScript.scan`] fills in the corpus' language when the
            script has only one.
        text (`str`, *optional*): Transcript or text/sentence id, when known.
        split (`str`, *optional*): Official split (`"train"`, `"validation"`, `"test"`) when the corpus has one.
        id (`str`, *optional*): Utterance id unique within the corpus; defaults to the path relative to the root.
        start (`float`, *optional*): Start time in seconds for corpora whose utterances are segments of longer files.
        end (`float`, *optional*): End time in seconds (with `start`).
    """

    path: str
    raw_label: str
    language: str | None = None
    speaker: str | None = None
    gender: str | None = None
    text: str | None = None
    split: str | None = None
    id: str | None = None
    start: float | None = None
    end: float | None = None


@dataclass
class CorpusScan:
    """
    What a corpus script found under a root: examples, skipped files with reasons, and warnings (e.g. a partial copy).

    Args:
        corpus_id (`str`): The catalog id of the corpus.
        root (`str`): The scanned root directory.
        examples (`list[Example]`): Usable utterances.
        skipped (`list[tuple[str, str]]`): `(path, reason)` for every candidate file that was not used.
        warnings (`list[str]`): Human-readable warnings about the copy as a whole.
    """

    corpus_id: str
    root: str
    examples: list[Example] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class CorpusScript:
    """
    Base class of the corpus scripts in `dataset_scripts/<corpus_id>.py` (each module defines `SCRIPT = MyCorpus()`).

    A subclass sets the class attributes from the catalog and implements [`~CorpusScript.parse`] (file-name based
    corpora) or overrides [`~CorpusScript.iter_examples`] (metadata-file based corpora). [`~CorpusScript.scan`]
    walks the root, records unparseable names, unknown labels and undocumented speakers as skips with the reason, and
    compares what it found with what the corpus documents.

    Class attributes:
        corpus_id (`str`): Catalog id (also the module name and the `corpus` column).
        name (`str`): Human-readable corpus name.
        languages (`tuple[str, ...]`): ISO 639-1 codes.
        label_set (`tuple[str, ...]`): Every raw label the corpus documents.
        expected_files (`int`, *optional*): Number of utterances of the complete corpus, when documented.
        expected_speakers (`int`, *optional*): Number of speakers of the complete corpus, when documented.
        speaker_ids (`tuple[str, ...]`): The documented speaker ids, when the corpus lists them; other speakers are
            skipped and missing ones are named in the partial-copy warning.
        has_official_split (`bool`): Whether `Example.split` carries an official partition.
        official_split_speaker_independent (`bool`): Whether that official partition is speaker-independent (no
            speaker in two splits). Only then does the builder's default split policy use it; otherwise it is kept in
            the `official_split` column and a speaker-independent split is built.
        file_pattern (`str`, *optional*): Regular expression the file *name* must match ([`~CorpusScript.match_name`]).
        audio_extensions (`tuple[str, ...]`): Extensions of the candidate files.
        license (`str`): Licence as documented.
        citation (`str`): BibTeX or reference text.
        homepage (`str`): Where the corpus is obtained.
    """

    corpus_id: str = ""
    name: str = ""
    languages: tuple[str, ...] = ()
    label_set: tuple[str, ...] = ()
    expected_files: int | None = None
    expected_speakers: int | None = None
    speaker_ids: tuple[str, ...] = ()
    has_official_split: bool = False
    official_split_speaker_independent: bool = False
    file_pattern: str | None = None
    audio_extensions: tuple[str, ...] = (".wav",)
    license: str = "unknown"
    citation: str = ""
    homepage: str = ""

    def candidate_files(self, root: Path) -> Iterator[Path]:
        """All files under `root` with one of `audio_extensions`, in sorted order (macOS `._` forks excluded)."""
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix.lower() in self.audio_extensions and not path.name.startswith("._"):
                yield path

    def match_name(self, path: Path) -> re.Match:
        """
        Matches a file name against `file_pattern`.

        Raises:
            UnparseableName: the name does not follow the corpus' naming.
        """
        match = re.fullmatch(self.file_pattern or "", path.name)
        if match is None:
            raise UnparseableName(f"name does not match the {self.name} pattern {self.file_pattern}")
        return match

    def parse(self, path: Path, root: Path) -> Example:
        """Parses one file into an [`Example`]; raises [`UnparseableName`] with the reason when it cannot."""
        raise NotImplementedError(f"{type(self).__name__} must implement `parse` or override `iter_examples`.")

    def parse_files(
        self, paths: Iterable[Path], scan: CorpusScan, parse: Callable[[Path], Example]
    ) -> Iterator[Example]:
        """
        Parses candidate files one by one, recording every [`UnparseableName`] in `scan.skipped` with its reason.

        Args:
            paths (`Iterable[Path]`): Candidate files.
            scan ([`CorpusScan`]): Receives the skips.
            parse (`Callable[[Path], Example]`): Turns one path into an [`Example`]; may raise [`UnparseableName`].
        """
        for path in paths:
            try:
                yield parse(path)
            except UnparseableName as error:
                scan.skipped.append((str(path), str(error)))

    def iter_examples(self, root: Path, scan: CorpusScan) -> Iterable[Example]:
        """Yields the examples of the candidate files under `root`, recording unusable files in `scan.skipped`."""
        return self.parse_files(self.candidate_files(root), scan, lambda path: self.parse(path, root))

    def scan(self, root: str | os.PathLike) -> CorpusScan:
        """
        Finds the corpus' utterances under `root` and validates them against the documentation.

        Raises:
            FileNotFoundError: `root` does not exist.
            ValueError: no usable utterance was found.
        """
        root = Path(root).expanduser().resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"{self.corpus_id}: corpus root {root} does not exist or is not a directory.")
        scan = CorpusScan(corpus_id=self.corpus_id, root=str(root))
        for example in self.iter_examples(root, scan):
            reason = self._reject(example)
            if reason is not None:
                scan.skipped.append((example.path, reason))
                continue
            if example.language is None:
                if len(self.languages) != 1:
                    raise ValueError(
                        f"{type(self).__name__} must set `language` on examples of a multilingual corpus."
                    )
                example.language = self.languages[0]
            if example.id is None:
                example.id = Path(os.path.relpath(example.path, root)).with_suffix("").as_posix()
            scan.examples.append(example)
        if not scan.examples:
            raise ValueError(
                f"{self.corpus_id}: no usable utterance under {root} ({len(scan.skipped)} files skipped); "
                f"check that the path points at the {self.name} root ({self.homepage})."
            )
        self.check_completeness(scan)
        return scan

    def _reject(self, example: Example) -> str | None:
        """Why a parsed example contradicts the documented label set or speaker list (`None` when it does not)."""
        if self.label_set and example.raw_label not in self.label_set:
            return f"label {example.raw_label!r} is not in the {self.name} label set ({', '.join(self.label_set)})"
        if self.speaker_ids and example.speaker not in self.speaker_ids:
            return (
                f"speaker {example.speaker!r} is not one of the {len(self.speaker_ids)} documented {self.name} "
                f"speakers ({', '.join(self.speaker_ids)})"
            )
        return None

    def check_completeness(self, scan: CorpusScan) -> None:
        """Adds a warning to `scan` when the copy looks partial (fewer files/speakers/labels than documented)."""
        missing_labels = sorted(set(self.label_set) - {e.raw_label for e in scan.examples})
        speakers = {e.speaker for e in scan.examples if e.speaker is not None}
        parts = []
        if self.expected_files is not None and len(scan.examples) < self.expected_files:
            parts.append(f"{len(scan.examples)} of {self.expected_files} utterances")
        if self.expected_speakers is not None and speakers and len(speakers) < self.expected_speakers:
            missing_speakers = [s for s in self.speaker_ids if s not in speakers]
            parts.append(
                f"{len(speakers)} of {self.expected_speakers} speakers"
                + (f" (no file of {', '.join(missing_speakers)})" if missing_speakers else "")
            )
        if missing_labels:
            parts.append(f"no file for labels {missing_labels}")
        if parts:
            scan.warnings.append(f"{self.corpus_id}: partial copy: " + "; ".join(parts) + ".")
