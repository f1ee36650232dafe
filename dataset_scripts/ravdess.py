"""RAVDESS, speech part (audio-only): `Actor_XX/MM-CC-EE-II-SS-RR-AA.wav`, everything encoded in the file name."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example, UnparseableName

STATEMENTS = {"01": "Kids are talking by the door", "02": "Dogs are sitting by the door"}


class Ravdess(CorpusScript):
    """
    Ryerson Audio-Visual Database of Emotional Speech and Song, speech files of the audio-only release.

    Name fields: modality (03 audio-only), vocal channel (01 speech), emotion (01 neutral, 02 calm, 03 happy, 04 sad,
    05 angry, 06 fearful, 07 disgust, 08 surprised), intensity (01/02), statement (01/02), repetition (01/02),
    actor (01-24; odd = male, even = female). The raw label is the two-digit emotion code. Video files (modality
    01/02) and song files (channel 02) are skipped with the reason: they duplicate or are not the speech corpus.
    """

    corpus_id = "ravdess"
    name = "RAVDESS"
    languages = ("en",)
    label_set = ("01", "02", "03", "04", "05", "06", "07", "08")
    expected_files = 1440
    speaker_ids = tuple(f"{actor:02d}" for actor in range(1, 25))
    expected_speakers = len(speaker_ids)
    file_pattern = r"(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})\.wav"
    license = "CC BY-NC-SA 4.0"
    citation = (
        "Livingstone, S. R., & Russo, F. A. (2018). The Ryerson Audio-Visual Database of Emotional Speech and Song "
        "(RAVDESS). PLoS ONE 13(5): e0196391. doi:10.1371/journal.pone.0196391"
    )
    homepage = "https://zenodo.org/record/1188976"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `MM-CC-EE-II-SS-RR-AA.wav`; raises [`UnparseableName`] for video, song or out-of-range fields."""
        modality, channel, emotion, intensity, statement, _repetition, actor = self.match_name(path).groups()
        if modality != "03":
            raise UnparseableName(f"modality {modality} is not 03 (audio-only); only audio-only speech files are used")
        if channel != "01":
            raise UnparseableName(f"vocal channel {channel} is not 01 (speech); the song part is not in EmoSet++")
        if intensity not in ("01", "02") or statement not in STATEMENTS:
            raise UnparseableName(f"intensity {intensity} or statement {statement} is outside 01-02")
        return Example(
            path=str(path),
            raw_label=emotion,
            speaker=actor,
            gender="male" if int(actor) % 2 else "female",
            text=STATEMENTS[statement],
        )


SCRIPT = Ravdess()
