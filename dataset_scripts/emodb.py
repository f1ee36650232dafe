"""EMO-DB: `wav/<spk><text><E><v>.wav`, e.g. `03a01Wa.wav`."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example

SPEAKER_GENDER = {
    "03": "male",
    "08": "female",
    "09": "female",
    "10": "male",
    "11": "male",
    "12": "male",
    "13": "female",
    "14": "female",
    "15": "male",
    "16": "female",
}


class Emodb(CorpusScript):
    """
    Berlin Database of Emotional Speech: 10 German actors (5 female, 5 male), 10 sentences, 535 utterances.

    Name characters 1-2 are the speaker, 3-5 the text id (a01-a05, b01-b05), 6 the emotion letter (German initials:
    W anger, L boredom, E disgust, A fear, F happiness, T sadness, N neutral; the raw label) and 7 the version.
    """

    corpus_id = "emodb"
    name = "EMO-DB"
    languages = ("de",)
    label_set = ("W", "L", "E", "A", "F", "T", "N")
    expected_files = 535
    speaker_ids = tuple(SPEAKER_GENDER)
    expected_speakers = len(speaker_ids)
    file_pattern = r"(\d{2})([ab]\d{2})([A-Z])([a-z])\.wav"
    license = "CC BY 4.0 (Zenodo release)"
    citation = (
        "Burkhardt, F., Paeschke, A., Rolfes, M., Sendlmeier, W., & Weiss, B. (2005). A Database of German Emotional "
        "Speech. Proc. Interspeech 2005, 1517-1520."
    )
    homepage = "http://emodb.bilderbar.info"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `<spk><text><E><v>.wav`; the gender comes from the corpus' speaker list."""
        speaker, text, letter, _version = self.match_name(path).groups()
        return Example(
            path=str(path), raw_label=letter, speaker=speaker, gender=SPEAKER_GENDER.get(speaker), text=text
        )


SCRIPT = Emodb()
