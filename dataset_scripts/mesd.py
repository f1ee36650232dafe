"""MESD: `<Emotion>_<F|M|C>_<A|B>_<word>.wav`, e.g. `Anger_C_A_abajo.wav`."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example

from ._helpers import GENDER_CODES


class Mesd(CorpusScript):
    """
    Mexican Emotional Speech Database: single Spanish words by 3 female, 2 male adult and 6 child voices.

    The raw label is the emotion word of the name. The names carry only the voice type (F female, M male, C child),
    not a speaker id, so `speaker` is `None` (EmoSet++ then splits MESD by utterance and records that in the dataset
    card); the voice type goes to `gender`. The word (underscores as spaces) is the text; A/B is the word corpus.
    """

    corpus_id = "mesd"
    name = "MESD"
    languages = ("es",)
    label_set = ("Anger", "Disgust", "Fear", "Happiness", "Neutral", "Sadness")
    expected_files = 862
    file_pattern = r"([A-Za-z]+)_([FMC])_([AB])_(.+)\.wav"
    license = "CC BY 4.0 (Mendeley Data)"
    citation = (
        "Duville, M. M., Alonso-Valerdi, L. M., & Ibarra-Zarate, D. I. (2021). Mexican Emotional Speech Database "
        "(MESD). Mendeley Data, V5. doi:10.17632/cy34mh68j9.5"
    )
    homepage = "https://data.mendeley.com/datasets/cy34mh68j9/5"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `<Emotion>_<voice>_<corpus>_<word>.wav`."""
        emotion, voice, _corpus, word = self.match_name(path).groups()
        return Example(
            path=str(path),
            raw_label=emotion,
            gender=GENDER_CODES[voice.lower()],
            text=word.replace("_", " "),
        )


SCRIPT = Mesd()
