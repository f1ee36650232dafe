"""SAVEE: `<SPK>_<code><nn>.wav` (flat copies) or `<SPK>/<code><nn>.wav` (per-speaker folders)."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example


class Savee(CorpusScript):
    """
    Surrey Audio-Visual Expressed Emotion database: 4 male British English speakers (DC, JE, JK, KL).

    The raw label is the emotion code of the file name: a anger, d disgust, f fear, h happiness, n neutral,
    sa sadness, su surprise; the two digits are the sentence number (01-15, neutral 01-30). The speaker comes from the
    `<SPK>_` prefix or, without it, from the parent folder (`<SPK>/a01.wav`, a per-speaker layout some copies use).
    """

    corpus_id = "savee"
    name = "SAVEE"
    languages = ("en",)
    label_set = ("a", "d", "f", "h", "n", "sa", "su")
    expected_files = 480
    speaker_ids = ("DC", "JE", "JK", "KL")
    expected_speakers = len(speaker_ids)
    file_pattern = r"(?:([A-Z]{2})_)?([a-z]{1,2})(\d{2})\.wav"
    license = "free for research use after registration (University of Surrey); not for commercial use"
    citation = (
        "Haq, S., & Jackson, P. J. B. (2010). Multimodal emotion recognition. In W. Wang (Ed.), Machine Audition: "
        "Principles, Algorithms and Systems (pp. 398-423). IGI Global."
    )
    homepage = "http://personal.ee.surrey.ac.uk/Personal/P.Jackson/SAVEE/"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `<SPK>_<code><nn>.wav` or `<SPK>/<code><nn>.wav`."""
        prefix, code, number = self.match_name(path).groups()
        return Example(path=str(path), raw_label=code, speaker=prefix or path.parent.name, gender="male", text=number)


SCRIPT = Savee()
