"""CASIA (public 1200-file subset): `<speaker>/<emotion>/<nnn>.wav`."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example, UnparseableName


class Casia(CorpusScript):
    """
    CASIA Chinese emotional corpus, public subset: 4 speakers x 6 emotions x 50 texts (numbered 201-250).

    Speaker and label come from the two folders above each file (`wangzhe/angry/201.wav`); the raw label is the
    emotion folder name (angry, fear, happy, neutral, sad, surprise) and the file number is the text id. The copies
    found publicly do not document the speakers' genders, so `gender` is `None`.
    """

    corpus_id = "casia"
    name = "CASIA"
    languages = ("zh",)
    label_set = ("angry", "fear", "happy", "neutral", "sad", "surprise")
    expected_files = 1200
    expected_speakers = 4
    file_pattern = r"(\d+)\.wav"
    license = "unknown (public subset via a third-party mirror; the full corpus is sold by the Chinese LDC)"
    citation = (
        "Institute of Automation, Chinese Academy of Sciences (CASIA). CASIA Chinese Emotional Speech Corpus. "
        "Chinese Linguistic Data Consortium."
    )
    homepage = "https://aistudio.baidu.com/aistudio/datasetdetail/209512"

    def parse(self, path: Path, root: Path) -> Example:
        """Reads speaker and label from the `<speaker>/<emotion>/` folders above the file."""
        (number,) = self.match_name(path).groups()
        if path.parent == root or path.parent.parent == root:
            raise UnparseableName("the file is not inside a <speaker>/<emotion>/ folder pair below the corpus root")
        return Example(path=str(path), raw_label=path.parent.name, speaker=path.parent.parent.name, text=number)


SCRIPT = Casia()
