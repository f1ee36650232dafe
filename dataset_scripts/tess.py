"""TESS: `<OAF|YAF>_<word>_<emotion>.wav` (in per-speaker/emotion folders such as `OAF_angry/`)."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example


class Tess(CorpusScript):
    """
    Toronto Emotional Speech Set: two actresses (OAF aged 64, YAF aged 26) say "Say the word ..." with 200 target words
    in 7 emotions (2800 files).

    The raw label is the last name field in lower case (copies differ in case): angry, disgust, fear, happy, neutral,
    ps (pleasant surprise), sad. The target word is the text. With 2 speakers no 3-way speaker-independent split
    exists.
    """

    corpus_id = "tess"
    name = "TESS"
    languages = ("en",)
    label_set = ("angry", "disgust", "fear", "happy", "neutral", "ps", "sad")
    expected_files = 2800
    speaker_ids = ("OAF", "YAF")
    expected_speakers = len(speaker_ids)
    file_pattern = r"([OoYy][Aa][Ff])_([A-Za-z]+)_([A-Za-z]+)\.wav"
    license = "CC BY-NC-ND 4.0"
    citation = (
        "Dupuis, K., & Pichora-Fuller, M. K. (2010). Toronto emotional speech set (TESS). University of Toronto, "
        "Psychology Department. doi:10.5683/SP2/E8H2MF"
    )
    homepage = "https://tspace.library.utoronto.ca/handle/1807/24487"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `<speaker>_<word>_<emotion>.wav`."""
        speaker, word, emotion = self.match_name(path).groups()
        return Example(
            path=str(path),
            raw_label=emotion.lower(),
            speaker=speaker.upper(),
            gender="female",
            text=word.lower(),
        )


SCRIPT = Tess()
