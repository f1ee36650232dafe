"""SUBESCO: `<G>_<nn>_<NAME>_S_<sentence>_<EMOTION>_<take>.wav`, e.g. `F_10_FAHMEE_S_6_FEAR_5.wav`."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example

from ._helpers import GENDER_CODES


class Subesco(CorpusScript):
    """
    SUST Bangla Emotional Speech Corpus: 10 female and 10 male speakers, 10 sentences, 7 emotions, 5 takes.

    Speaker numbers restart per gender, so the speaker id is `<G>_<nn>` (e.g. `F_10`). The raw label is the upper-case
    emotion word of the name; `S_<n>` is the text id.
    """

    corpus_id = "subesco"
    name = "SUBESCO"
    languages = ("bn",)
    label_set = ("ANGRY", "DISGUST", "FEAR", "HAPPY", "NEUTRAL", "SAD", "SURPRISE")
    expected_files = 7000
    expected_speakers = 20
    file_pattern = r"([FM])_(\d{2})_([A-Za-z]+)_S_(\d+)_([A-Za-z]+)_(\d+)\.wav"
    license = "CC BY 4.0"
    citation = (
        "Sultana, S., Rahman, M. S., Selim, M. R., & Iqbal, M. Z. (2021). SUST Bangla Emotional Speech Corpus "
        "(SUBESCO): An audio-only emotional speech corpus for Bangla. PLoS ONE 16(4): e0250173."
    )
    homepage = "https://zenodo.org/records/4526477"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses the seven underscore-separated fields of a SUBESCO name."""
        gender, number, _name, sentence, emotion, _take = self.match_name(path).groups()
        return Example(
            path=str(path),
            raw_label=emotion,
            speaker=f"{gender}_{number}",
            gender=GENDER_CODES[gender.lower()],
            text=f"S_{sentence}",
        )


SCRIPT = Subesco()
