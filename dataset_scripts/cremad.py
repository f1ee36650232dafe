"""CREMA-D: `AudioWAV/<actor>_<sentence>_<EMO>_<level>.wav` plus `VideoDemographics.csv` for the actors' sex."""

from collections.abc import Iterable
from pathlib import Path

from exhubert.data.corpus import CorpusScan, CorpusScript, Example, UnparseableName

from ._helpers import read_metadata

SENTENCES = {
    "IEO": "It's eleven o'clock",
    "TIE": "That is exactly what happened",
    "IOM": "I'm on my way to the meeting",
    "IWW": "I wonder what this is about",
    "TAI": "The airplane is almost full",
    "MTI": "Maybe tomorrow it will be cold",
    "IWL": "I would like a new alarm clock",
    "ITH": "I think I have a doctor's appointment",
    "DFA": "Don't forget a jacket",
    "ITS": "I think I've seen this before",
    "TSI": "The surface is slick",
    "WSI": "We'll stop in a couple of minutes",
}
LEVELS = ("LO", "MD", "HI", "XX")
DEMOGRAPHICS = "VideoDemographics.csv"


class Cremad(CorpusScript):
    """
    CREMA-D: 91 actors, 12 sentences, 6 emotions, 7442 clips.

    Name fields: actor id (1001-1091), sentence code (the transcript is filled in), emotion code (ANG, DIS, FEA, HAP,
    NEU, SAD; the raw label) and level (LO, MD, HI, XX). Only `.wav` files are read, from `AudioWAV/` when the root
    holds it (the repository also has MP3 and video copies of the same clips). The actor's sex comes from
    `VideoDemographics.csv` (columns ActorID, Sex) anywhere under the root; without it `gender` is `None` and the scan
    warns.
    """

    corpus_id = "cremad"
    name = "CREMA-D"
    languages = ("en",)
    label_set = ("ANG", "DIS", "FEA", "HAP", "NEU", "SAD")
    expected_files = 7442
    expected_speakers = 91
    file_pattern = r"(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})\.wav"
    license = "Open Database License (ODbL) v1.0"
    citation = (
        "Cao, H., Cooper, D. G., Keutmann, M. K., Gur, R. C., Nenkova, A., & Verma, R. (2014). CREMA-D: Crowd-sourced "
        "Emotional Multimodal Actors Dataset. IEEE Transactions on Affective Computing 5(4), 377-390."
    )
    homepage = "https://github.com/CheyneyComputerScience/CREMA-D"

    def load_demographics(self, root: Path, scan: CorpusScan) -> dict[str, str]:
        """Maps actor id to `"female"`/`"male"` from `VideoDemographics.csv`; warns in `scan` when it is missing."""
        metadata = read_metadata(
            self,
            root,
            DEMOGRAPHICS,
            ("ActorID", "Sex"),
            scan,
            "gender is unknown (copy the file from the CREMA-D repository into the corpus root)",
        )
        if metadata is None:
            return {}
        return {row["ActorID"]: row["Sex"].lower() for row in metadata[1] if row["Sex"].lower() in ("female", "male")}

    def parse_with(self, path: Path, genders: dict[str, str]) -> Example:
        """Parses one CREMA-D name, taking the gender from `genders` (actor id -> gender)."""
        actor, sentence, emotion, level = self.match_name(path).groups()
        if sentence not in SENTENCES:
            raise UnparseableName(f"unknown sentence code {sentence} (expected one of {', '.join(SENTENCES)})")
        if level not in LEVELS:
            raise UnparseableName(f"unknown intensity level {level} (expected one of {', '.join(LEVELS)})")
        return Example(
            path=str(path),
            raw_label=emotion,
            speaker=actor,
            gender=genders.get(actor),
            text=SENTENCES[sentence],
        )

    def iter_examples(self, root: Path, scan: CorpusScan) -> Iterable[Example]:
        """Reads `AudioWAV/` (or the root) with the actors' sex from `VideoDemographics.csv`."""
        genders = self.load_demographics(root, scan)
        audio_root = root / "AudioWAV" if (root / "AudioWAV").is_dir() else root
        yield from self.parse_files(self.candidate_files(audio_root), scan, lambda p: self.parse_with(p, genders))


SCRIPT = Cremad()
