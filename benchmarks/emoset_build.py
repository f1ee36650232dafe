"""EmoSet++ build throughput (files/s with 1 and 2 processes) and peak memory, on generated corpora.

The corpora are generated in their original layouts and read by their corpus scripts: a RAVDESS tree
(`Actor_XX/03-01-EE-II-SS-RR-AA.wav`, 48 kHz 16-bit like the original release, so every file is resampled) and a
CREMA-D tree (`AudioWAV/<actor>_<sentence>_<EMO>_XX.wav`, 16 kHz), with clips of 1-5 s. Every build runs
`build_emoset` in a fresh interpreter that reports its wall time and peak resident memory (its own and that of its
worker processes). Memory must not grow with the corpus: one process also builds a third and two thirds of it (every
third / two of every three files of the same tree, linked), and the ratios of the peaks are reported. The anonymous
peak (heap, not the pages of memory-mapped Arrow files, which the kernel drops at will) is reached in
`DatasetDict.save_to_disk`, which embeds the audio bytes of one write batch of about 100 MB at a time (held as Arrow
data, Python bytes and the new array): a constant, plus allocator noise, once the splits are that large.
The 2-process build must write exactly the dataset of the 1-process build (ids, splits, labels and audio bytes).
Writes `benchmarks/results/emoset_build.json`.

Usage: `python benchmarks/emoset_build.py [--files 6000] [--num-proc 1 2]`
"""

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import AnonymousMemoryPeak, machine_description, peak_rss_mb, write_result  # noqa: E402

CREMAD_SENTENCES = ("IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI")
CREMAD_EMOTIONS = ("ANG", "DIS", "FEA", "HAP", "NEU", "SAD")


def _clip(rng: np.random.Generator, rate: int) -> np.ndarray:
    """A voice-like clip of 1-5 s: a few harmonics of a random pitch plus a little noise."""
    t = np.arange(int(rng.uniform(1.0, 5.0) * rate)) / rate
    f0 = rng.uniform(90, 260)
    wave = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 6))
    return (0.2 * wave / 2.3 + 0.01 * rng.standard_normal(t.size)).astype(np.float32)


def ravdess_names() -> list[str]:
    """All 1440 speech file names of RAVDESS (24 actors x 60), in their actor folders."""
    names = []
    for actor in range(1, 25):
        for emotion in range(1, 9):
            for intensity in (1,) if emotion == 1 else (1, 2):
                for statement in (1, 2):
                    for repetition in (1, 2):
                        name = f"03-01-{emotion:02d}-{intensity:02d}-{statement:02d}-{repetition:02d}-{actor:02d}.wav"
                        names.append(f"Actor_{actor:02d}/{name}")
    return names


def cremad_names(count: int) -> list[str]:
    """`count` CREMA-D file names spread over its 91 actors (1001-1091), 12 sentences and 6 emotions."""
    names = [
        f"AudioWAV/{actor}_{sentence}_{emotion}_XX.wav"
        for actor in range(1001, 1092)
        for sentence in CREMAD_SENTENCES
        for emotion in CREMAD_EMOTIONS
    ]
    if count > len(names):
        raise ValueError(f"at most {len(names)} CREMA-D names, asked for {count}")
    return [names[int(i * len(names) / count)] for i in range(count)]


def generate(root: Path, num_files: int, seed: int) -> dict[str, str]:
    """
    Writes the two corpora (40% RAVDESS, at most its 1440 files, the rest CREMA-D with its `VideoDemographics.csv`)
    and returns the `corpora` argument of `build_emoset`.
    """
    rng = np.random.default_rng(seed)
    ravdess = ravdess_names()
    ravdess = [ravdess[i] for i in sorted(rng.choice(len(ravdess), min(len(ravdess), int(0.4 * num_files)), False))]
    layout = {"ravdess": (ravdess, 48000), "cremad": (cremad_names(num_files - len(ravdess)), 16000)}
    for corpus, (names, rate) in layout.items():
        for name in names:
            path = root / corpus / name
            path.parent.mkdir(parents=True, exist_ok=True)
            sf.write(path, _clip(rng, rate), rate, subtype="PCM_16")
    demographics = ["ActorID,Age,Sex,Race,Ethnicity"]
    demographics += [f"{actor},30,{'Female' if actor % 2 else 'Male'},Other,Other" for actor in range(1001, 1092)]
    (root / "cremad" / "VideoDemographics.csv").write_text("\n".join(demographics) + "\n")
    return {corpus: str(root / corpus) for corpus in layout}


def link_subset(full: dict[str, str], root: Path, keep: int) -> dict[str, str]:
    """
    Links `keep` of every 3 audio files of the `full` corpora (and their other files, e.g. CREMA-D's demographics)
    into the same layout under `root`; returns the `corpora` argument of `build_emoset`.
    """
    corpora = {}
    for corpus, source in full.items():
        source = Path(source)
        for index, path in enumerate(sorted(p for p in source.rglob("*") if p.is_file())):
            if path.suffix == ".wav" and index % 3 >= keep:
                continue
            target = root / corpus / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
        corpora[corpus] = str(root / corpus)
    return corpora


def build_once(corpora: dict, output: str, num_proc: int) -> dict:
    """Builds EmoSet++ in this process; returns seconds, files and peak memory (this process and its workers)."""
    from exhubert.data.builder import build_emoset

    start = time.perf_counter()
    with AnonymousMemoryPeak() as anonymous:
        dataset = build_emoset(corpora, output, num_proc=num_proc)
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "files": sum(len(split) for split in dataset.values()),
        "peak_rss_mb": peak_rss_mb(),
        "peak_anonymous_mb": anonymous.peak_mb,
        "peak_worker_rss_mb": children,
    }


def build_in_subprocess(corpora: dict, output: Path, num_proc: int) -> dict:
    """Runs [`build_once`] in a fresh interpreter so that peaks do not mix."""
    command = [sys.executable, __file__, "--build-only", json.dumps(corpora), str(output), str(num_proc)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode:
        raise RuntimeError(f"build failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def fingerprint(directory: Path) -> dict:
    """Per split: a digest of every row's id, split, label and stored audio bytes, in order."""
    from datasets import Audio, load_from_disk

    digests = {}
    for split, dataset in load_from_disk(str(directory)).items():
        digest = hashlib.sha256()
        for row in dataset.cast_column("audio", Audio(decode=False)).select_columns(["id", "label", "audio"]):
            digest.update(f"{row['id']}|{row['label']}|".encode() + row["audio"]["bytes"])
        digests[split] = digest.hexdigest()
    return digests


def main() -> None:
    """Runs the benchmark and prints the ratios."""
    if len(sys.argv) == 5 and sys.argv[1] == "--build-only":
        print(json.dumps(build_once(json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=6000, help="files of the full corpus (1/3 and 2/3 built too)")
    parser.add_argument("--num-proc", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        full = generate(work / "full", args.files, args.seed)
        runs = {}
        for keep in (1, 2):
            subset = link_subset(full, work / f"thirds-{keep}", keep)
            runs[f"thirds_{keep}"] = build_in_subprocess(subset, work / f"out-thirds-{keep}", 1)
        for num_proc in args.num_proc:
            runs[f"num_proc_{num_proc}"] = build_in_subprocess(full, work / f"out-{num_proc}", num_proc)
        digests = {num_proc: fingerprint(work / f"out-{num_proc}") for num_proc in args.num_proc}
        audio_hours = sum(sf.info(str(p)).duration for p in (work / "full").rglob("*.wav")) / 3600
    if any(d != digests[args.num_proc[0]] for d in digests.values()):
        raise RuntimeError(f"Builds with {args.num_proc} processes differ: {digests}")

    files_per_s = {str(n): runs[f"num_proc_{n}"]["files"] / runs[f"num_proc_{n}"]["seconds"] for n in args.num_proc}
    first = runs[f"num_proc_{args.num_proc[0]}"]
    result = {
        "machine": machine_description("cpu"),
        "config": vars(args),
        "audio_hours": audio_hours,
        "runs": runs,
        "files_per_s": files_per_s,
        "parallel_speedup": files_per_s[str(args.num_proc[-1])] / files_per_s[str(args.num_proc[0])],
        "peak_rss_mb": first["peak_rss_mb"],
        "peak_rss_mb_third_of_corpus": runs["thirds_1"]["peak_rss_mb"],
        "peak_rss_growth_ratio": first["peak_rss_mb"] / runs["thirds_1"]["peak_rss_mb"],
        "peak_anonymous_mb": first["peak_anonymous_mb"],
        "peak_anonymous_mb_by_files": {
            str(runs[name]["files"]): runs[name]["peak_anonymous_mb"] for name in ("thirds_1", "thirds_2")
        }
        | {str(first["files"]): first["peak_anonymous_mb"]},
        "peak_anonymous_growth_ratio": first["peak_anonymous_mb"] / runs["thirds_1"]["peak_anonymous_mb"],
        "peak_anonymous_growth_ratio_last_third": first["peak_anonymous_mb"] / runs["thirds_2"]["peak_anonymous_mb"],
        "outputs_identical": True,
    }
    path = write_result("emoset_build", result)
    for name, run in runs.items():
        print(
            f"{name:<12} {run['files']:5d} files in {run['seconds']:6.1f} s = {run['files'] / run['seconds']:6.1f} "
            f"files/s  peak RSS {run['peak_rss_mb']:5.0f} MiB, anonymous {run['peak_anonymous_mb']:5.0f} MiB "
            f"(workers {run['peak_worker_rss_mb']:.0f} MiB)"
        )
    print(
        f"parallel speedup {result['parallel_speedup']:.2f}  growth for 3x the files: peak RSS "
        f"{result['peak_rss_growth_ratio']:.2f}, anonymous {result['peak_anonymous_growth_ratio']:.2f} "
        f"(last third {result['peak_anonymous_growth_ratio_last_third']:.2f}); outputs identical across process counts"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
