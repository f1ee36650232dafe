"""IEMOCAP: `Session<n>/dialog/EmoEvaluation/<dialog>.txt` labels + `Session<n>/sentences/wav/<dialog>/<turn>.wav`."""

import re
from collections.abc import Iterable
from pathlib import Path

from exhubert.data.corpus import CorpusScan, CorpusScript, Example

from ._helpers import GENDER_CODES, read_text

EVALUATION_LINE = re.compile(r"^\[(\d+(?:\.\d+)?) - (\d+(?:\.\d+)?)\]\t(\S+)\t(\S+)\t\[", re.MULTILINE)
TRANSCRIPT_LINE = re.compile(r"^(\S+) \[[^\]]*\]:\s*(.*)$", re.MULTILINE)
TURN = re.compile(r"(Ses\d{2})[FM]_\w+_([FM])\d+\w*")


class Iemocap(CorpusScript):
    """
    IEMOCAP: 5 dyadic sessions of 2 actors each (10 speakers), categorical labels per turn.

    Every summary line of `Session*/dialog/EmoEvaluation/*.txt` (`[start - end] <turn> <label> [V, A, D]`) gives one
    utterance; the raw label is its code (neu, hap, ang, sad, exc, fru, fea, sur, dis, oth, xxx). The audio is
    `Session*/sentences/wav/<dialog>/<turn>.wav`; when a copy only has the dialog recordings
    (`Session*/dialog/wav/<dialog>.wav`), the utterance is that file's `[start, end]` segment. The speaker is the
    session plus the gender letter of the turn's last field (e.g. `Ses01F_script01_1_M003` -> `Ses01M`): the letter
    after the session in the dialog name tells who wore the markers, not who speaks. Transcripts come from
    `Session*/dialog/transcriptions/<dialog>.txt`. Sentence files without a label line are skipped with the reason.
    There is no official split (sessions are the usual folds).
    """

    corpus_id = "iemocap"
    name = "IEMOCAP"
    languages = ("en",)
    label_set = ("neu", "hap", "ang", "sad", "exc", "fru", "fea", "sur", "dis", "oth", "xxx")
    expected_files = 10039
    expected_speakers = 10
    file_pattern = TURN.pattern
    license = "custom research licence (release form from USC SAIL)"
    citation = (
        "Busso, C., Bulut, M., Lee, C.-C., Kazemzadeh, A., Mower, E., Kim, S., Chang, J. N., Lee, S., & Narayanan, "
        "S. S. (2008). IEMOCAP: Interactive emotional dyadic motion capture database. Language Resources and "
        "Evaluation 42(4), 335-359."
    )
    homepage = "https://sail.usc.edu/iemocap/"

    def sessions(self, root: Path) -> list[Path]:
        """The `Session1`-`Session5` folders at or below `root` (e.g. under `IEMOCAP_full_release/`)."""
        if re.fullmatch(r"Session\d", root.name):
            return [root]
        return sorted(p for p in root.rglob("Session*") if p.is_dir() and re.fullmatch(r"Session\d", p.name))

    def iter_examples(self, root: Path, scan: CorpusScan) -> Iterable[Example]:
        """Yields one example per labelled turn of every session found under `root`."""
        sessions = self.sessions(root)
        if not sessions:
            scan.warnings.append(f"{self.corpus_id}: no Session<n>/ folder under {root}.")
        for session in sessions:
            evaluation_dir = session / "dialog" / "EmoEvaluation"
            files = sorted(p for p in evaluation_dir.glob("*.txt") if not p.name.startswith("._"))
            if not files:
                scan.warnings.append(
                    f"{self.corpus_id}: {evaluation_dir} has no label files; {session.name} is skipped."
                )
            used: set[Path] = set()
            for evaluation in files:
                for example in self._dialog_examples(session, evaluation, scan):
                    used.add(Path(example.path))
                    yield example
            for path in sorted((session / "sentences" / "wav").rglob("*.wav")):
                if path not in used and not path.name.startswith("._"):
                    scan.skipped.append((str(path), f"no label line in {evaluation_dir}"))

    def _dialog_examples(self, session: Path, evaluation: Path, scan: CorpusScan) -> Iterable[Example]:
        dialog = evaluation.stem
        transcripts = {}
        transcript_file = session / "dialog" / "transcriptions" / f"{dialog}.txt"
        if transcript_file.is_file():
            transcripts = dict(TRANSCRIPT_LINE.findall(read_text(transcript_file)))
        dialog_wav = session / "dialog" / "wav" / f"{dialog}.wav"
        for start, end, turn, label in EVALUATION_LINE.findall(read_text(evaluation)):
            match = TURN.fullmatch(turn)
            if match is None:
                scan.skipped.append((f"{evaluation}:{turn}", f"turn id does not match {TURN.pattern}"))
                continue
            sentence_wav = session / "sentences" / "wav" / turn.rsplit("_", 1)[0] / f"{turn}.wav"
            segment = {}
            if sentence_wav.is_file():
                path = sentence_wav
            elif dialog_wav.is_file():
                path, segment = dialog_wav, {"start": float(start), "end": float(end)}
            else:
                scan.skipped.append((str(sentence_wav), f"labelled in {evaluation.name} but missing"))
                continue
            session_id, gender = match.groups()
            yield Example(
                path=str(path),
                raw_label=label,
                speaker=f"{session_id}{gender}",
                gender=GENDER_CODES[gender.lower()],
                text=transcripts.get(turn),
                id=turn,
                **segment,
            )


SCRIPT = Iemocap()
