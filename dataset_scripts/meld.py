"""MELD: `{train,dev,test}_sent_emo.csv` + the `diaX_uttY.mp4` clips of each split's folder."""

import re
from collections.abc import Iterable
from pathlib import Path

from exhubert.data.corpus import CorpusScan, CorpusScript, Example

from ._helpers import find_dirs, read_metadata

# split name in Example -> (metadata CSV, folder names of the clips in the MELD.Raw archives)
SPLITS = {
    "train": ("train_sent_emo.csv", ("train_splits",)),
    "validation": ("dev_sent_emo.csv", ("dev_splits_complete", "dev_splits")),
    "test": ("test_sent_emo.csv", ("output_repeated_splits_test", "test_splits")),
}
CLIP = re.compile(r"(?:final_videos_test)?dia(\d+)_utt(\d+)\.(?:mp4|wav)")
REQUIRED_COLUMNS = {"Speaker", "Emotion", "Dialogue_ID", "Utterance_ID"}


class Meld(CorpusScript):
    """
    Multimodal EmotionLines Dataset (utterances of the TV series Friends) with its official train/dev/test split.

    Each row of `train_sent_emo.csv`, `dev_sent_emo.csv` and `test_sent_emo.csv` (columns Utterance, Speaker, Emotion,
    Dialogue_ID, Utterance_ID, ...) is one utterance: the raw label is `Emotion` (neutral, joy, sadness, surprise,
    disgust, anger, fear), the speaker the character name, the text `Utterance`. Its clip is `dia<D>_utt<U>.mp4`
    (test clips may carry a `final_videos_test` prefix) in the split's folder of MELD.Raw: `train_splits/`,
    `dev_splits_complete/`, `output_repeated_splits_test/`; dialogue ids restart per split, so clips are looked up per
    folder. `dev` becomes `"validation"`. The official split is not speaker-independent (the main characters speak in
    all three). Rows without a clip and clips without a row are skipped with the reason; a missing CSV or folder
    gives a warning.
    """

    corpus_id = "meld"
    name = "MELD"
    languages = ("en",)
    label_set = ("neutral", "joy", "sadness", "surprise", "disgust", "anger", "fear")
    expected_files = 13706
    expected_speakers = 304
    has_official_split = True
    file_pattern = CLIP.pattern
    audio_extensions = (".mp4", ".wav")
    license = "GPL-3.0 (MELD repository)"
    citation = (
        "Poria, S., Hazarika, D., Majumder, N., Naik, G., Cambria, E., & Mihalcea, R. (2019). MELD: A Multimodal "
        "Multi-Party Dataset for Emotion Recognition in Conversations. Proc. ACL 2019, 527-536."
    )
    homepage = "https://affective-meld.github.io/"

    def clips(self, root: Path, folder_names: tuple[str, ...]) -> dict[tuple[int, int], Path]:
        """Maps (dialogue id, utterance id) to the clip file, for the clip folders called `folder_names`."""
        clips = {}
        for folder in find_dirs(root, folder_names):
            for path in sorted(folder.iterdir()):
                match = CLIP.fullmatch(path.name)
                if match and path.is_file() and (int(match[1]), int(match[2])) not in clips:
                    clips[int(match[1]), int(match[2])] = path
        return clips

    def iter_examples(self, root: Path, scan: CorpusScan) -> Iterable[Example]:
        """Yields one example per CSV row whose clip exists, split by split."""
        for split, (csv_name, folder_names) in SPLITS.items():
            metadata = read_metadata(self, root, csv_name, REQUIRED_COLUMNS, scan, f"the {split} split is missing")
            if metadata is None:
                continue
            csv_file, rows = metadata
            clips = self.clips(root, folder_names)
            if not clips:
                scan.warnings.append(
                    f"{self.corpus_id}: no clip folder ({' or '.join(folder_names)}) under {root}; "
                    f"the {split} split is missing."
                )
                continue
            for number, row in enumerate(rows, start=1):
                if not (row["Dialogue_ID"].isdigit() and row["Utterance_ID"].isdigit()):
                    scan.skipped.append((f"{csv_file}:row {number}", "Dialogue_ID/Utterance_ID are not numbers"))
                    continue
                key = (int(row["Dialogue_ID"]), int(row["Utterance_ID"]))
                clip = clips.pop(key, None)
                if clip is None:
                    reason = f"listed in {csv_name} but no clip in {' or '.join(folder_names)}/"
                    scan.skipped.append((f"{csv_file}:dia{key[0]}_utt{key[1]}", reason))
                    continue
                yield Example(
                    path=str(clip),
                    raw_label=row["Emotion"],
                    speaker=row["Speaker"],
                    text=row.get("Utterance") or None,
                    split=split,
                    id=f"{split}/dia{key[0]}_utt{key[1]}",
                )
            for clip in clips.values():
                scan.skipped.append((str(clip), f"no row for this clip in {csv_name}"))


SCRIPT = Meld()
