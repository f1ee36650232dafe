"""ShEMO: `female/F<spk><E><nn>.wav` and `male/M<spk><E><nn>.wav`, e.g. `F21N23.wav`."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example

from ._helpers import GENDER_CODES

EMOTIONS = {"A": "angry", "F": "fearful", "H": "happy", "N": "neutral", "S": "sad", "W": "surprised"}


class Shemo(CorpusScript):
    """
    Sharif Emotional Speech Database (Persian radio plays): 87 speakers, 3000 utterances.

    Name: gender (F/M), two-digit speaker number (restarting per gender, so the speaker id keeps the letter, e.g.
    `F21`), emotion letter (A anger, F fear, H happiness, N neutral, S sadness, W surprise) and utterance number. The
    raw label is the metadata word of the letter as used by the corpus' `shemo.json` and EmoBox (angry, fearful,
    happy, neutral, sad, surprised); an unknown letter is kept as is and skipped as an unknown label.
    """

    corpus_id = "shemo"
    name = "ShEMO"
    languages = ("fa",)
    label_set = ("angry", "fearful", "happy", "neutral", "sad", "surprised")
    expected_files = 3000
    expected_speakers = 87
    file_pattern = r"([FM])(\d{2})([A-Z])(\d{2})\.wav"
    license = "academic/research use (see the corpus site)"
    citation = (
        "Mohamad Nezami, O., Jamshid Lou, P., & Karami, M. (2019). ShEMO: a large-scale validated database for "
        "Persian speech emotion detection. Language Resources and Evaluation 53(1), 1-16. "
        "doi:10.1007/s10579-018-9427-x"
    )
    homepage = "https://github.com/mansourehk/ShEMO"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `<G><spk><E><nn>.wav`."""
        gender, number, letter, _utterance = self.match_name(path).groups()
        return Example(
            path=str(path),
            raw_label=EMOTIONS.get(letter, letter),
            speaker=f"{gender}{number}",
            gender=GENDER_CODES[gender.lower()],
        )


SCRIPT = Shemo()
