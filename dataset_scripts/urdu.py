"""URDU: `<Emotion>/S<G><spk>_F<nn>_<E><nn>.wav` (Angry/, Happy/, Neutral/, Sad/)."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example, UnparseableName

from ._helpers import GENDER_CODES

EMOTIONS = {"A": "Angry", "H": "Happy", "N": "Neutral", "S": "Sad"}


class Urdu(CorpusScript):
    """
    URDU dataset: 400 utterances from Urdu TV talk shows, 100 per emotion.

    File names follow the corpus README: `S` + gender (M/F) + speaker number, `F` + file number of that speaker, and
    the emotion letter (A, H, N, S) + running number within the emotion. Speaker numbers restart per gender (`SM1` and
    `SF1` are different people), so the speaker id is the whole first field. The raw label is the folder name that
    the letter stands for (Angry, Happy, Neutral, Sad); a file whose letter disagrees with its folder is skipped, and
    an unknown letter is kept as the label (and skipped as unknown).
    The names hold 29 distinct speaker ids (the corpus README reports 38 speakers).
    """

    corpus_id = "urdu"
    name = "URDU"
    languages = ("ur",)
    label_set = ("Angry", "Happy", "Neutral", "Sad")
    expected_files = 400
    expected_speakers = 29
    file_pattern = r"S([MF])(\d+)_F(\d+)_([A-Z])(\d+)\.wav"
    license = "research use only (corpus README)"
    citation = (
        "Latif, S., Qayyum, A., Usman, M., & Qadir, J. (2018). Cross Lingual Speech Emotion Recognition: Urdu vs. "
        "Western Languages. FIT 2018. arXiv:1812.10411"
    )
    homepage = "https://github.com/siddiquelatif/URDU-Dataset"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `S<G><spk>_F<nn>_<E><nn>.wav` and checks the emotion letter against the emotion folder."""
        gender, number, _file, letter, _running = self.match_name(path).groups()
        label = EMOTIONS.get(letter, letter)
        folder = path.parent.name
        if folder in self.label_set and folder != label:
            raise UnparseableName(f"the file name says {label} ({letter}) but the file lies in the {folder}/ folder")
        return Example(
            path=str(path),
            raw_label=label,
            speaker=f"S{gender}{number}",
            gender=GENDER_CODES[gender.lower()],
        )


SCRIPT = Urdu()
