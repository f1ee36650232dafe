"""Session fixtures of the EmoSet++ core tests: a generated manifest corpus with bad inputs, and one real build."""

from pathlib import Path

import pytest

from .emoset_files import SHARED_DATA, link_subset, write_label_map, write_manifest, write_mp3, write_tone

GOOD_SPEAKERS = ("s1", "s2", "s3", "s4", "s5")
GOOD_LABELS = {"ang": 3, "neu": 1, "hap": 5}


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory) -> dict:
    """
    A manifest corpus `gen`: 5 speakers x 3 labels x 2 utterances of 16 kHz mono, plus one file of every awkward
    kind (stereo 44.1 kHz, 8 kHz, 48 kHz float, mp3, corrupt, empty, too long, excluded label, duplicate id, missing
    file, bad gender). Returns paths and what each awkward row must become.
    """
    root = tmp_path_factory.mktemp("gen_corpus")
    rows = []
    for s_index, speaker in enumerate(GOOD_SPEAKERS):
        for l_index, label in enumerate(GOOD_LABELS):
            for take in range(2):
                name = f"audio/{speaker}_{label}_{take}.wav"
                write_tone(root / name, 0.3 + 0.05 * take, frequency=200 + 40 * l_index + 5 * s_index)
                rows.append({"file": name, "label": label, "speaker": speaker, "gender": "f" if s_index % 2 else "m"})
    special = {
        "stereo44": write_tone(root / "odd/stereo44.wav", 0.5, 44100, channels=2),
        "low8k": write_tone(root / "odd/low8k.wav", 0.5, 8000),
        "float48k": write_tone(root / "odd/float48k.wav", 0.5, 48000, subtype="FLOAT"),
    }
    mp3 = write_mp3(root / "odd/clip.mp3")
    if mp3 is not None:
        special["mp3"] = mp3
    for index, path in enumerate(special.values()):
        rows.append({"file": str(path.relative_to(root)), "label": "ang", "speaker": GOOD_SPEAKERS[index % 5]})
    (root / "odd/corrupt.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really audio" * 10)
    (root / "odd/empty.wav").write_bytes(b"")
    write_tone(root / "odd/long.wav", 12.0, 8000)
    write_tone(root / "odd/other.wav", 0.3)
    write_tone(root / "odd/badgender.wav", 0.3)
    rows += [
        {"file": "odd/corrupt.wav", "label": "neu", "speaker": "s1"},
        {"file": "odd/empty.wav", "label": "neu", "speaker": "s2"},
        {"file": "odd/long.wav", "label": "hap", "speaker": "s3"},
        {"file": "odd/other.wav", "label": "oth", "speaker": "s4"},
        {"file": "audio/s1_ang_0.wav", "label": "ang", "speaker": "s1"},
        {"file": "odd/missing.wav", "label": "neu", "speaker": "s1"},
        {"file": "odd/badgender.wav", "label": "neu", "speaker": "s1", "gender": "robot"},
    ]
    manifest = write_manifest(root / "manifest.csv", rows)
    label_map = write_label_map(root / "labels.csv", "gen", {**GOOD_LABELS, "oth": None})
    return {
        "root": root,
        "manifest": manifest,
        "label_map": label_map,
        "rows": rows,
        "good": 30 + len(special),
        "special": special,
        "skips": {
            "corrupt.wav": "decode",
            "empty.wav": "decode",
            "long.wav": "duration",
            "other.wav": "label",
            "s1_ang_0.wav": "duplicate",
            "missing.wav": "scan",
            "badgender.wav": "scan",
        },
    }


def real_corpora(tmp_root: Path) -> dict[str, Path]:
    """Small symlinked subsets of the shared real corpora that have scripts (empty when the clips are absent)."""
    from dataset_scripts import available_corpora

    corpora = {}
    savee, ravdess = SHARED_DATA / "savee", SHARED_DATA / "ravdess"
    if savee.is_dir() and "savee" in available_corpora():
        corpora["savee"] = link_subset(savee, tmp_root / "savee", lambda p: p.stem.endswith("01"))
    if ravdess.is_dir() and "ravdess" in available_corpora():
        actors = {f"Actor_{i:02d}" for i in range(1, 7)}
        corpora["ravdess"] = link_subset(ravdess, tmp_root / "ravdess", lambda p: p.parts[0] in actors)
    return corpora


class DecodeCounter:
    """Wraps `load_audio`: counts calls per path and keeps the output for the awkward files."""

    def __init__(self, function, keep: set[str]):
        self.function, self.keep = function, keep
        self.calls: dict[str, int] = {}
        self.outputs: dict[str, object] = {}

    def __call__(self, path, *args, **kwargs):
        self.calls[str(path)] = self.calls.get(str(path), 0) + 1
        waveform = self.function(path, *args, **kwargs)
        if str(path) in self.keep:
            self.outputs[str(path)] = waveform.copy()
        return waveform


@pytest.fixture(scope="session")
def emoset_build(tmp_path_factory, generated_corpus) -> dict:
    """One build (num_proc=1, --max-duration 10) of `gen` plus real subsets; `load_audio` calls are counted."""
    import exhubert.data.builder as builder

    work = tmp_path_factory.mktemp("emoset_build")
    corpora = {"gen": generated_corpus["manifest"], **real_corpora(work / "real")}
    counter = DecodeCounter(builder.load_audio, {str(p.resolve()) for p in generated_corpus["special"].values()})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builder, "load_audio", counter)
        dataset = builder.build_emoset(
            corpora, work / "emoset", label_map=generated_corpus["label_map"], max_duration=10.0, seed=7
        )
    return {"dir": work / "emoset", "dataset": dataset, "corpora": corpora, "counter": counter}
