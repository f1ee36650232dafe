"""ESD: `<spk>/<Emotion>/[train|evaluation|test/]<spk>_<nnnnnn>.wav` plus `<spk>/<spk>.txt` transcripts."""

from collections.abc import Iterable
from pathlib import Path

from exhubert.data.corpus import CorpusScan, CorpusScript, Example, UnparseableName

from ._helpers import read_text

SPLITS = {"train": "train", "evaluation": "validation", "test": "test"}
CHINESE_LABELS = {"中立": "Neutral", "生气": "Angry", "快乐": "Happy", "伤心": "Sad", "惊喜": "Surprise"}
FEMALE_SPEAKERS = ("0001", "0002", "0003", "0007", "0009", "0012", "0015", "0016", "0017", "0018")


class Esd(CorpusScript):
    """
    Emotional Speech Dataset: 10 Mandarin (0001-0010) and 10 English (0011-0020) speakers x 5 emotions x 350
    parallel utterances.

    The raw label is the emotion folder (Neutral, Angry, Happy, Sad, Surprise). The official per-speaker partition
    (300 train / 20 evaluation / 30 test utterances per speaker and emotion) is read from the `train/`,
    `evaluation/` (-> `"validation"`) and `test/` sub-folders when the copy has them; it is **not**
    speaker-independent. The transcript comes from `<spk>/<spk>.txt` (id, text, emotion; Chinese emotion words for
    0001-0010); a file whose folder disagrees with that emotion is skipped. Genders follow the speaker list of the
    corpus README as used by nkululeko (female: 0001-0003, 0007, 0009, 0012, 0015-0018).
    """

    corpus_id = "esd"
    name = "ESD"
    languages = ("zh", "en")
    label_set = ("Neutral", "Angry", "Happy", "Sad", "Surprise")
    expected_files = 35000
    speaker_ids = tuple(f"{speaker:04d}" for speaker in range(1, 21))
    expected_speakers = len(speaker_ids)
    has_official_split = True
    file_pattern = r"(\d{4})_(\d{6})\.wav"
    license = "custom non-commercial research licence"
    citation = (
        "Zhou, K., Sisman, B., Liu, R., & Li, H. (2021). Seen and Unseen Emotional Style Transfer for Voice "
        "Conversion with A New Emotional Speech Dataset. Proc. ICASSP 2021, 920-924."
    )
    homepage = "https://hltsingapore.github.io/ESD/"

    def load_transcripts(self, speaker_dir: Path, scan: CorpusScan) -> dict[str, tuple[str, str]]:
        """Reads `<spk>/<spk>.txt` into `{utterance id: (text, emotion)}`; warns in `scan` when missing."""
        path = speaker_dir / f"{speaker_dir.name}.txt"
        if not path.is_file():
            scan.warnings.append(f"{self.corpus_id}: {path} is missing; the speaker's transcripts are unknown.")
            return {}
        table = {}
        for line in read_text(path, ("utf-8-sig", "gb18030")).splitlines():
            fields = [f.strip() for f in line.split("\t")]
            if len(fields) == 3 and fields[0]:
                table[fields[0]] = (fields[1], CHINESE_LABELS.get(fields[2], fields[2]))
        return table

    def iter_examples(self, root: Path, scan: CorpusScan) -> Iterable[Example]:
        """Reads the emotion (and split) folders, with transcripts from the speakers' text files."""
        transcripts: dict[Path, dict[str, tuple[str, str]]] = {}

        def parse(path: Path) -> Example:
            """Parses one file, checking its folders against its name and its speaker's transcript file."""
            speaker, _number = self.match_name(path).groups()
            folder = path.parent
            split = SPLITS.get(folder.name.lower())
            if split is not None:
                folder = folder.parent
            emotion, speaker_dir = folder.name, folder.parent
            if speaker_dir.name != speaker:
                raise UnparseableName(f"the file is not under its speaker folder {speaker}/<Emotion>/")
            if speaker_dir not in transcripts:
                transcripts[speaker_dir] = self.load_transcripts(speaker_dir, scan)
            text, listed = transcripts[speaker_dir].get(path.stem, (None, None))
            if listed is not None and listed != emotion:
                raise UnparseableName(f"it lies in the {emotion}/ folder but {speaker}.txt labels it {listed}")
            return Example(
                path=str(path),
                raw_label=emotion,
                language="zh" if int(speaker) <= 10 else "en",
                speaker=speaker,
                gender="female" if speaker in FEMALE_SPEAKERS else "male",
                text=text,
                split=split,
            )

        yield from self.parse_files(self.candidate_files(root), scan, parse)


SCRIPT = Esd()
