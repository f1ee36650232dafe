"""EmoFilm: `wav_corpus/<file>.wav` with the speakers in the legend (`f_m_corpus_it_es_en_legend.xlsx`, as CSV)."""

from collections.abc import Iterable
from pathlib import Path

from exhubert.data.corpus import CorpusScan, CorpusScript, Example, UnparseableName

from ._helpers import GENDER_CODES, read_csv

LEGEND = "f_m_corpus_it_es_en_legend"


class Emofilm(CorpusScript):
    """
    EmoFilm: 1115 clips of film dubbing in English, Italian and Spanish, 5 emotions.

    From the file name: first character the gender (f/m), characters 3-5 the Italian emotion code (ans ansia,
    dis disprezzo, gio gioia, rab rabbia, tri tristezza; the raw label), last two characters the language (en, it,
    es). A `_16k` suffix (resampled copies) is ignored, and a resampled copy of a clip already found is skipped as a
    duplicate. The speaker comes from the legend spreadsheet (sheets "female" and "male", columns `file` and
    `speaker`). This package reads no xlsx: export both sheets as CSV files (any names, e.g. `legend_female.csv`,
    `legend_male.csv`) anywhere under the corpus root. Without a legend the speakers are unknown (`None`, utterance
    split) and the scan warns; a speaker written only as question marks is unknown too. Layout facts: nkululeko
    `data/emofilm/process_database.py`.
    """

    corpus_id = "emofilm"
    name = "EmoFilm"
    languages = ("en", "it", "es")
    label_set = ("ans", "dis", "gio", "rab", "tri")
    expected_files = 1115
    file_pattern = r"([fm])_([a-z]{3})[A-Za-z0-9_]*?(en|it|es)(?:_16k)?\.wav"
    license = "research use on request (Zenodo)"
    citation = (
        "Parada-Cabaleiro, E., Costantini, G., Batliner, A., Baird, A., & Schuller, B. (2018). Categorical vs "
        "Dimensional Perception of Italian Emotional Speech. Proc. Interspeech 2018, 3638-3642."
    )
    homepage = "https://zenodo.org/record/7665999"

    def load_legend(self, root: Path, scan: CorpusScan) -> dict[str, str | None]:
        """Maps legend `file` (stem) to the speaker, from every CSV under `root` with `file` and `speaker` columns."""
        speakers: dict[str, str | None] = {}
        for path in sorted(root.rglob("*.csv")):
            if path.name.startswith("._"):
                continue
            rows = read_csv(path)
            if not rows or not {"file", "speaker"} <= rows[0].keys():
                continue
            for row in rows:
                speaker = row["speaker"].lower()
                speakers[Path(row["file"]).stem] = speaker if speaker.strip("?") else None
        if not speakers:
            found_xlsx = any(root.rglob(f"{LEGEND}.xlsx"))
            scan.warnings.append(
                f"{self.corpus_id}: no legend CSV (columns file, speaker) under {root}; speakers are unknown. "
                + (f"Export both sheets of {LEGEND}.xlsx as CSV files into the corpus root." if found_xlsx else "")
            )
        return speakers

    def iter_examples(self, root: Path, scan: CorpusScan) -> Iterable[Example]:
        """Parses the clip names and attaches the legend's speakers."""
        speakers = self.load_legend(root, scan)
        seen: dict[str, Path] = {}
        not_in_legend: list[str] = []

        def parse(path: Path) -> Example:
            """Parses one clip name; a resampled copy of a clip already found is a duplicate."""
            gender, emotion, language = self.match_name(path).groups()
            key = path.stem.removesuffix("_16k")
            if key in seen:
                raise UnparseableName(f"duplicate of {seen[key]} (another copy of the same clip)")
            seen[key] = path
            if speakers and key not in speakers:
                not_in_legend.append(path.name)
            return Example(
                path=str(path),
                raw_label=emotion,
                language=language,
                speaker=speakers.get(key),
                gender=GENDER_CODES[gender],
                id=key,
            )

        # Original clips (wav_corpus/) sort before resampled ones (wav_corpus_16k/), so the originals are kept.
        yield from self.parse_files(self.candidate_files(root), scan, parse)
        if not_in_legend:
            scan.warnings.append(
                f"{self.corpus_id}: {len(not_in_legend)} clips are not in the legend (speaker unknown): "
                + ", ".join(not_in_legend[:10])
                + (" ..." if len(not_in_legend) > 10 else "")
            )


SCRIPT = Emofilm()
