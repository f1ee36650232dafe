"""eNTERFACE'05: `subject <N>/<emotion>/sentence <k>/s<N>_<code>_<k>.avi` (audio track of the videos)."""

import re
from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example, UnparseableName

FOLDER_CODES = {
    "anger": "an",
    "disgust": "di",
    "fear": "fe",
    "happiness": "ha",
    "sadness": "sa",
    "surprise": "su",
}


class Enterface(CorpusScript):
    """
    eNTERFACE'05 audio-visual emotion database: 44 non-native English speakers, 6 emotions x 5 sentences.

    The raw label is the two-letter code of the file name (an, di, fe, ha, sa, su) and the speaker is `s<N>`. Some
    copies contain irregular file names; for them, subject, emotion and sentence are read from the
    `subject <N>/<emotion>/sentence <k>/` folders instead. Files that fit neither are skipped with the reason. Only
    the `.avi` files are read (their audio stream is decoded); gender is not in the names (`None`).
    """

    corpus_id = "enterface"
    name = "eNTERFACE'05"
    languages = ("en",)
    label_set = ("an", "di", "fe", "ha", "sa", "su")
    expected_files = 1263
    expected_speakers = 44
    file_pattern = r"[sS]_?(\d+)_(?:\d+_)?([A-Za-z]{2})_(\d+)\.avi"
    audio_extensions = (".avi",)
    license = "free for research use (see the corpus page)"
    citation = (
        "Martin, O., Kotsia, I., Macq, B., & Pitas, I. (2006). The eNTERFACE'05 Audio-Visual Emotion Database. "
        "Proc. 22nd International Conference on Data Engineering Workshops (ICDEW'06)."
    )
    homepage = "https://enterface.net/enterface05/main.php?frame=emotion"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `s<N>_<code>_<k>.avi`, falling back on the `subject N/<emotion>/sentence k/` folders."""
        match = re.fullmatch(self.file_pattern, path.name)
        if match is not None:
            subject, code, sentence = match.groups()
            code = code.lower()
        else:
            subject, code, sentence = self._from_folders(path)
        return Example(path=str(path), raw_label=code, speaker=f"s{int(subject)}", text=sentence)

    def _from_folders(self, path: Path) -> tuple[str, str, str]:
        parts = [p.lower() for p in path.parts[-4:-1]]
        subject = re.fullmatch(r"subject[ _-]?(\d+)", parts[0]) if len(parts) == 3 else None
        sentence = re.fullmatch(r"sentence[ _-]?(\d+)", parts[2]) if len(parts) == 3 else None
        if subject is None or sentence is None or parts[1] not in FOLDER_CODES:
            raise UnparseableName(
                f"name does not match {self.file_pattern} and the file is not in a "
                "'subject N/<emotion>/sentence k/' folder"
            )
        return subject.group(1), FOLDER_CODES[parts[1]], sentence.group(1)


SCRIPT = Enterface()
