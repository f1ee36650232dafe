"""DEMoS: `[PR|NP_]..._<g>_<spk>_<emo><nn><x>.wav` (stem fields from the end: gender, speaker, emotion code)."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example

from ._helpers import GENDER_CODES


class Demos(CorpusScript):
    """
    DEMoS (Database of Elicited Mood in Speech), Italian: 68 speakers (23 female, 45 male), 9365 emotional plus 332
    neutral utterances.

    Counted from the end of the underscore-separated stem: third-last field gender (f/m), second-last the speaker
    number, last field starting with the three-letter Italian emotion code (rab rabbia, tri tristezza, gio gioia,
    pau paura, dis disgusto, col colpa, sor sorpresa, neu neutrale), which is the raw label. A `PR_`/`NP_` prefix marks
    prototypical/non-prototypical samples. Layout facts: nkululeko `data/demos/process_database.py`.
    """

    corpus_id = "demos"
    name = "DEMoS"
    languages = ("it",)
    label_set = ("rab", "tri", "gio", "pau", "dis", "col", "sor", "neu")
    expected_files = 9697
    expected_speakers = 68
    file_pattern = r"(?:[A-Za-z0-9]+_)*([fm])_(\d+)_([a-z]{3})[A-Za-z0-9]*\.wav"
    license = "custom academic/research licence (request on Zenodo)"
    citation = (
        "Parada-Cabaleiro, E., Costantini, G., Batliner, A., Schmitt, M., & Schuller, B. W. (2020). DEMoS: an Italian "
        "emotional speech corpus. Language Resources and Evaluation 54, 341-383."
    )
    homepage = "https://zenodo.org/record/2544829"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses the gender, speaker and emotion fields at the end of the stem."""
        gender, speaker, emotion = self.match_name(path).groups()
        return Example(path=str(path), raw_label=emotion, speaker=speaker, gender=GENDER_CODES[gender])


SCRIPT = Demos()
