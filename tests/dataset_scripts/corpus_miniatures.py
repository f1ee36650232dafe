"""
Generators of miniature corpus trees that mimic the documented layout of every corpus script in `dataset_scripts/`.

Each generator writes a handful of tiny audio files (and the corpus' metadata files) under a root and returns a
[`Miniature`] that says what a correct script must find: the parsed fields of the good files, the files that must be
skipped as unparseable, and the files that must be skipped for an unknown label. `.avi`/`.mp4` containers are real
(made once with the `ffmpeg` binary) so that the trees can also be decoded.
"""

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf


@dataclass
class Miniature:
    """
    A generated corpus tree and what its script must report.

    Args:
        root (`Path`): The corpus root.
        expected (`dict[str, dict]`): Relative path -> the `Example` fields the script must produce for it.
        unparseable (`list[str]`): Relative paths (or metadata references) that must be skipped as unparseable.
        unknown_label (`list[str]`): Relative paths that must be skipped because of a label outside the label set.
        ignored (`list[str]`): Relative paths that are not candidates at all (e.g. MP3 copies) and must not appear.
    """

    root: Path
    expected: dict[str, dict] = field(default_factory=dict)
    unparseable: list[str] = field(default_factory=list)
    unknown_label: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


@cache
def wav_bytes(seconds: float = 0.05, sampling_rate: int = 16000) -> bytes:
    """A tiny mono 16-bit WAV of low-level noise."""
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    sf.write(buffer, 0.01 * rng.standard_normal(int(seconds * sampling_rate)), sampling_rate, format="WAV")
    return buffer.getvalue()


@cache
def container_bytes(extension: str) -> bytes:
    """A tiny real `.avi` (PCM audio) or `.mp4` (AAC audio) made with ffmpeg; skips the caller's test without it."""
    import pytest

    if shutil.which("ffmpeg") is None:
        pytest.skip("the ffmpeg binary is needed to make miniature .avi/.mp4 files")
    codec = {".avi": "pcm_s16le", ".mp4": "aac"}[extension]
    with __import__("tempfile").TemporaryDirectory() as tmp:
        out = Path(tmp) / f"clip{extension}"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.1:sample_rate=16000"]
            + ["-c:a", codec, "-y", str(out)],
            check=True,
        )
        return out.read_bytes()


def put(root: Path, relative: str, data: bytes | str | None = None) -> str:
    """Writes a file under `root` (a tiny WAV unless `data` is given) and returns `relative`."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        data = container_bytes(path.suffix) if path.suffix in (".avi", ".mp4") else wav_bytes()
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return relative


def ravdess(root: Path) -> Miniature:
    """Writes a miniature ravdess tree (documented layout of `dataset_scripts/ravdess.py`)."""
    m = Miniature(root)
    m.expected[put(root, "Actor_01/03-01-05-01-02-01-01.wav")] = dict(
        raw_label="05", speaker="01", gender="male", text="Dogs are sitting by the door"
    )
    m.expected[put(root, "Actor_02/03-01-03-02-01-02-02.wav")] = dict(raw_label="03", speaker="02", gender="female")
    m.unparseable += [put(root, "Actor_01/03-02-05-01-01-01-01.wav"), put(root, "Actor_01/notes.wav")]
    m.unparseable.append(put(root, "Actor_01/03-01-05-01-01-01-31.wav"))
    m.unknown_label.append(put(root, "Actor_03/03-01-09-01-01-01-03.wav"))
    return m


def cremad(root: Path) -> Miniature:
    """Writes a miniature cremad tree (documented layout of `dataset_scripts/cremad.py`)."""
    m = Miniature(root)
    put(
        root,
        "VideoDemographics.csv",
        "ActorID,Age,Sex,Race,Ethnicity\n1001,51,Male,Caucasian,Not Hispanic\n1002,21,Female,Caucasian,Not Hispanic\n",
    )
    m.expected[put(root, "AudioWAV/1001_DFA_ANG_XX.wav")] = dict(
        raw_label="ANG", speaker="1001", gender="male", text="Don't forget a jacket"
    )
    m.expected[put(root, "AudioWAV/1002_IEO_HAP_HI.wav")] = dict(raw_label="HAP", speaker="1002", gender="female")
    m.unparseable += [put(root, "AudioWAV/1001_XYZ_ANG_XX.wav"), put(root, "AudioWAV/1001_DFA_ANG_QQ.wav")]
    m.unparseable.append(put(root, "AudioWAV/readme.wav"))
    m.unknown_label.append(put(root, "AudioWAV/1003_DFA_BOR_XX.wav"))
    m.ignored.append(put(root, "AudioMP3/1001_DFA_ANG_XX.mp3", wav_bytes()))
    return m


def tess(root: Path) -> Miniature:
    """Writes a miniature tess tree (documented layout of `dataset_scripts/tess.py`)."""
    m = Miniature(root)
    m.expected[put(root, "OAF_angry/OAF_back_angry.wav")] = dict(
        raw_label="angry", speaker="OAF", gender="female", text="back"
    )
    m.expected[put(root, "YAF_pleasant_surprised/YAF_bath_PS.wav")] = dict(raw_label="ps", speaker="YAF")
    m.unparseable.append(put(root, "OAF_angry/back_angry.wav"))
    m.unknown_label.append(put(root, "OAF_Bored/OAF_back_bored.wav"))
    return m


def savee(root: Path) -> Miniature:
    """Writes a miniature savee tree (documented layout of `dataset_scripts/savee.py`)."""
    m = Miniature(root)
    m.expected[put(root, "DC_a01.wav")] = dict(raw_label="a", speaker="DC", gender="male", text="01")
    m.expected[put(root, "AudioData/KL/su12.wav")] = dict(raw_label="su", speaker="KL", gender="male")
    m.unparseable += [put(root, "AudioData/XX/a01.wav"), put(root, "DC-a01.wav")]
    m.unknown_label.append(put(root, "JE_x01.wav"))
    return m


def emodb(root: Path) -> Miniature:
    """Writes a miniature emodb tree (documented layout of `dataset_scripts/emodb.py`)."""
    m = Miniature(root)
    m.expected[put(root, "wav/03a01Wa.wav")] = dict(raw_label="W", speaker="03", gender="male", text="a01")
    m.expected[put(root, "wav/16b10Tb.wav")] = dict(raw_label="T", speaker="16", gender="female", text="b10")
    m.unparseable += [put(root, "wav/03a01W.wav"), put(root, "wav/99a01Wa.wav")]
    m.unknown_label.append(put(root, "wav/08a02Xa.wav"))
    return m


def emovo(root: Path) -> Miniature:
    """Writes a miniature emovo tree (documented layout of `dataset_scripts/emovo.py`)."""
    m = Miniature(root)
    m.expected[put(root, "f1/dis-f1-b1.wav")] = dict(raw_label="dis", speaker="f1", gender="female", text="b1")
    m.expected[put(root, "M3/SOR-M3-N5.wav")] = dict(raw_label="sor", speaker="m3", gender="male", text="n5")
    m.unparseable += [put(root, "f1/dis_f1_b1.wav"), put(root, "f4/dis-f4-b1.wav")]
    m.unknown_label.append(put(root, "f2/xyz-f2-b2.wav"))
    return m


def subesco(root: Path) -> Miniature:
    """Writes a miniature subesco tree (documented layout of `dataset_scripts/subesco.py`)."""
    m = Miniature(root)
    m.expected[put(root, "F_10_FAHMEE_S_6_FEAR_5.wav")] = dict(
        raw_label="FEAR", speaker="F_10", gender="female", text="S_6"
    )
    m.expected[put(root, "M_01_MONIR_S_1_ANGRY_1.wav")] = dict(raw_label="ANGRY", speaker="M_01", gender="male")
    m.unparseable.append(put(root, "F_10_FAHMEE_6_FEAR_5.wav"))
    m.unknown_label.append(put(root, "M_02_RAHIM_S_2_BORED_1.wav"))
    return m


def shemo(root: Path) -> Miniature:
    """Writes a miniature shemo tree (documented layout of `dataset_scripts/shemo.py`)."""
    m = Miniature(root)
    m.expected[put(root, "female/F21N23.wav")] = dict(raw_label="neutral", speaker="F21", gender="female")
    m.expected[put(root, "male/M01W02.wav")] = dict(raw_label="surprised", speaker="M01", gender="male")
    m.unparseable.append(put(root, "female/F2N23.wav"))
    m.unknown_label.append(put(root, "male/M03X01.wav"))
    return m


def mesd(root: Path) -> Miniature:
    """Writes a miniature mesd tree (documented layout of `dataset_scripts/mesd.py`)."""
    m = Miniature(root)
    folder = "Mexican Emotional Speech Database (MESD)"
    m.expected[put(root, f"{folder}/Anger_C_A_abajo.wav")] = dict(
        raw_label="Anger", speaker=None, gender="child", text="abajo"
    )
    m.expected[put(root, f"{folder}/Happiness_F_B_buen_dia.wav")] = dict(
        raw_label="Happiness", gender="female", text="buen dia"
    )
    m.unparseable.append(put(root, f"{folder}/Anger-C-A-abajo.wav"))
    m.unknown_label.append(put(root, f"{folder}/Surprise_M_A_casa.wav"))
    return m


def esd(root: Path) -> Miniature:
    """Writes a miniature esd tree (documented layout of `dataset_scripts/esd.py`)."""
    m = Miniature(root)
    # Mandarin transcripts with Chinese emotion words, in a legacy encoding (copies differ).
    put(root, "0001/0001.txt", "0001_000351\t打远一看\t生气\n".encode("gb18030"))
    put(root, "0011/0011.txt", "0011_000701\tHello there.\tHappy\n0011_000702\tAgain.\tHappy\n")
    m.expected[put(root, "0001/Angry/train/0001_000351.wav")] = dict(
        raw_label="Angry", speaker="0001", gender="female", language="zh", split="train", text="打远一看"
    )
    m.expected[put(root, "0011/Happy/evaluation/0011_000701.wav")] = dict(
        raw_label="Happy", speaker="0011", gender="male", language="en", split="validation", text="Hello there."
    )
    m.expected[put(root, "0011/Sad/0011_001051.wav")] = dict(raw_label="Sad", split=None, text=None)
    m.unparseable += [put(root, "0011/Sad/0011_1051.wav"), put(root, "0011/Angry/0011_000702.wav")]
    m.unparseable.append(put(root, "0021/Sad/0021_001051.wav"))
    m.unknown_label.append(put(root, "0011/Calm/0011_001800.wav"))
    return m


def urdu(root: Path) -> Miniature:
    """Writes a miniature urdu tree (documented layout of `dataset_scripts/urdu.py`)."""
    m = Miniature(root)
    m.expected[put(root, "Angry/SM1_F1_A01.wav")] = dict(raw_label="Angry", speaker="SM1", gender="male")
    m.expected[put(root, "Sad/SF3_F2_S05.wav")] = dict(raw_label="Sad", speaker="SF3", gender="female")
    m.unparseable += [put(root, "Happy/SM2_F1_A02.wav"), put(root, "Neutral/S1_F1_N01.wav")]
    m.unknown_label.append(put(root, "Other/SM4_F1_X01.wav"))
    return m


def casia(root: Path) -> Miniature:
    """Writes a miniature casia tree (documented layout of `dataset_scripts/casia.py`)."""
    m = Miniature(root)
    m.expected[put(root, "CASIA database/liuchanhg/angry/201.wav")] = dict(
        raw_label="angry", speaker="liuchanhg", text="201"
    )
    m.expected[put(root, "CASIA database/wangzhe/neutral/250.wav")] = dict(raw_label="neutral", speaker="wangzhe")
    m.unparseable += [put(root, "CASIA database/wangzhe/neutral/a.wav"), put(root, "201.wav")]
    m.unknown_label.append(put(root, "CASIA database/wangzhe/bored/201.wav"))
    return m


def enterface(root: Path) -> Miniature:
    """Writes a miniature enterface tree (documented layout of `dataset_scripts/enterface.py`)."""
    m = Miniature(root)
    m.expected[put(root, "subject 1/anger/sentence 1/s1_an_1.avi")] = dict(raw_label="an", speaker="s1", text="1")
    m.expected[put(root, "subject 6/happiness/sentence 2/irregular.avi")] = dict(
        raw_label="ha", speaker="s6", text="2"
    )
    m.unparseable.append(put(root, "extra/clip.avi"))
    m.unknown_label.append(put(root, "subject 2/boredom/sentence 1/s2_bo_1.avi"))
    return m


def demos(root: Path) -> Miniature:
    """Writes a miniature demos tree (documented layout of `dataset_scripts/demos.py`)."""
    m = Miniature(root)
    m.expected[put(root, "DEMOS/PR_f_02_rab01b.wav")] = dict(raw_label="rab", speaker="02", gender="female")
    m.expected[put(root, "NEU/m_15_neu03.wav")] = dict(raw_label="neu", speaker="15", gender="male")
    m.unparseable.append(put(root, "DEMOS/PR_02_rab01b.wav"))
    m.unknown_label.append(put(root, "DEMOS/NP_m_03_xyz01.wav"))
    return m


def emofilm(root: Path, legend: bool = True) -> Miniature:
    """Writes a miniature emofilm tree (documented layout of `dataset_scripts/emofilm.py`)."""
    m = Miniature(root)
    if legend:
        put(root, "legend_female.csv", "file,speaker,film\nf_ans01_it,Anna Rossi,film a\n")
        put(root, "legend_male.csv", "file,speaker,film\nm_rab12b_en,???,film b\n")
    m.expected[put(root, "wav_corpus/f_ans01_it.wav")] = dict(
        raw_label="ans", speaker="anna rossi" if legend else None, gender="female", language="it"
    )
    m.expected[put(root, "wav_corpus/m_rab12b_en.wav")] = dict(
        raw_label="rab", speaker=None, gender="male", language="en"
    )
    m.unparseable += [put(root, "wav_corpus_16k/f_ans01_it_16k.wav"), put(root, "wav_corpus/x_ans01_it.wav")]
    m.unknown_label.append(put(root, "wav_corpus/f_pau03_es.wav"))
    return m


def iemocap(root: Path) -> Miniature:
    """Writes a miniature iemocap tree (documented layout of `dataset_scripts/iemocap.py`)."""
    m = Miniature(root)
    base = "IEMOCAP_full_release/Session1"
    put(
        root,
        f"{base}/dialog/EmoEvaluation/Ses01F_impro01.txt",
        "% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n"
        "[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]\n"
        "C-E2:\tNeutral;\t()\n\n"
        "[10.0 - 11.5]\tSes01F_impro01_M001\tfru\t[2.0000, 3.5000, 3.5000]\n\n"
        "[12.0 - 13.0]\tSes01F_impro01_M002\tzzz\t[2.0000, 3.5000, 3.5000]\n\n"
        "[14.0 - 15.0]\tSes01F_impro01_F003\tang\t[1.0000, 4.0000, 4.0000]\n\n"
        "[16.0 - 17.0]\tbadturn\tneu\t[2.0000, 2.0000, 2.0000]\n",
    )
    transcript = "Ses01F_impro01_F000 [006.2901-008.2357]: Excuse me.\n"
    put(root, f"{base}/dialog/transcriptions/Ses01F_impro01.txt", transcript)
    wav = f"{base}/sentences/wav/Ses01F_impro01"
    m.expected[put(root, f"{wav}/Ses01F_impro01_F000.wav")] = dict(
        raw_label="neu", speaker="Ses01F", gender="female", text="Excuse me.", id="Ses01F_impro01_F000"
    )
    m.expected[put(root, f"{wav}/Ses01F_impro01_M001.wav")] = dict(raw_label="fru", speaker="Ses01M", gender="male")
    m.unknown_label.append(put(root, f"{wav}/Ses01F_impro01_M002.wav"))
    m.unparseable += [f"{wav}/Ses01F_impro01_F003.wav", f"{base}/dialog/EmoEvaluation/Ses01F_impro01.txt:badturn"]
    m.unparseable.append(put(root, f"{wav}/Ses01F_impro01_F099.wav"))
    # A copy with only the dialog recordings: the utterance is a segment of the dialog file.
    session2 = "IEMOCAP_full_release/Session2/dialog"
    label_line = "[0.5 - 1.5]\tSes02M_script01_1_F004\tsad\t[1.0000, 2.0000, 3.0000]\n"
    put(root, f"{session2}/EmoEvaluation/Ses02M_script01_1.txt", label_line)
    m.expected[put(root, f"{session2}/wav/Ses02M_script01_1.wav", wav_bytes(2.0))] = dict(
        raw_label="sad", speaker="Ses02F", gender="female", start=0.5, end=1.5, id="Ses02M_script01_1_F004"
    )
    return m


MELD_HEADER = "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\n"


def meld(root: Path) -> Miniature:
    """Writes a miniature meld tree (documented layout of `dataset_scripts/meld.py`)."""
    m = Miniature(root)
    put(
        root,
        "train_sent_emo.csv",
        MELD_HEADER + '1,"Oh, my God!",Chandler,joy,positive,0,0,8,21,"00:16:16,059","00:16:21,731"\n'
        '2,Hi.,Joey,neutral,neutral,0,1,8,21,"00:16:21,940","00:16:23,442"\n'
        '3,Hmm.,Ross,confused,neutral,1,0,8,21,"00:16:24,000","00:16:25,000"\n',
    )
    # The dev CSV in a legacy Windows encoding (a curly apostrophe), as some MELD copies are.
    dev_row = "1,I\u2019m fine.,Ross,anger,negative,0,0,4,7,x,y\n"
    put(root, "dev_sent_emo.csv", (MELD_HEADER + dev_row).encode("cp1252"))
    put(root, "test_sent_emo.csv", MELD_HEADER + "1,Yeah.,Monica,neutral,neutral,0,0,1,1,x,y\n")
    m.expected[put(root, "train/train_splits/dia0_utt0.mp4")] = dict(
        raw_label="joy", speaker="Chandler", split="train", text="Oh, my God!", id="train/dia0_utt0"
    )
    m.expected[put(root, "dev_splits_complete/dia0_utt0.mp4")] = dict(
        raw_label="anger", speaker="Ross", split="validation", text="I\u2019m fine.", id="validation/dia0_utt0"
    )
    m.expected[put(root, "output_repeated_splits_test/final_videos_testdia0_utt0.mp4")] = dict(
        raw_label="neutral", speaker="Monica", split="test", id="test/dia0_utt0"
    )
    m.unknown_label.append(put(root, "train/train_splits/dia1_utt0.mp4"))
    m.unparseable += ["train_sent_emo.csv:dia0_utt1", put(root, "train/train_splits/dia9_utt9.mp4")]
    return m


GENERATORS = {
    "casia": casia,
    "cremad": cremad,
    "demos": demos,
    "emodb": emodb,
    "emofilm": emofilm,
    "emovo": emovo,
    "enterface": enterface,
    "esd": esd,
    "iemocap": iemocap,
    "meld": meld,
    "mesd": mesd,
    "ravdess": ravdess,
    "savee": savee,
    "shemo": shemo,
    "subesco": subesco,
    "tess": tess,
    "urdu": urdu,
}
"""Corpus id -> generator of its miniature tree (`generator(root) -> Miniature`)."""
