"""
Deterministic train/validation/test splits of one corpus.

Default policy (`"speaker"`): speaker-independent everywhere.

1. A complete official split that the corpus script declares speaker-independent
   (`CorpusScript.official_split_speaker_independent`) and that really has no speaker in two splits is used as is
   (a missing validation split is then carved out of the official train speakers).
2. Otherwise (no official split, or one that shares speakers such as ESD's per-speaker split or MELD's dialogue split)
   the official split only goes to the `official_split` column and a speaker-independent split is built: about
   80/10/10 of the *speakers*, chosen from a seeded search that keeps every class in every split where possible and
   the utterance shares close to the ratios.
3. Corpora without speaker information, or with fewer than 3 speakers, get a class-stratified random utterance split.

Policy `"official"` uses any complete official split as it is, and falls back to the default for the other corpora.
Every result carries a `method` string that the dataset card records.
"""

import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SPLITS = ("train", "validation", "test")
"""Split names of EmoSet++, in order."""

DEFAULT_RATIOS = (0.8, 0.1, 0.1)
"""Default train/validation/test ratios (of speakers for speaker-independent splits, of utterances otherwise)."""

SPLIT_POLICIES = ("speaker", "official")
"""`"speaker"`: speaker-independent everywhere (default); `"official"`: official splits as they are where present."""

MIN_SPEAKERS = 3
"""Fewest speakers a speaker-independent train/validation/test split needs."""

_SPLIT_ALIASES = {
    "train": "train",
    "training": "train",
    "trn": "train",
    "validation": "validation",
    "valid": "validation",
    "val": "validation",
    "dev": "validation",
    "development": "validation",
    "test": "test",
    "testing": "test",
    "tst": "test",
}


def normalize_split_name(name: str | None) -> str | None:
    """
    Maps common split spellings (`dev`, `val`, `training`, ...) to `train`/`validation`/`test`.

    Args:
        name (`str`, *optional*): A split name; `None` or empty stays `None`.

    Raises:
        ValueError: the name is not a known spelling of one of the three splits.
    """
    if name is None or not str(name).strip():
        return None
    key = str(name).strip().lower()
    if key not in _SPLIT_ALIASES:
        raise ValueError(f"Unknown split name {name!r}; use one of train, validation (dev/val), test.")
    return _SPLIT_ALIASES[key]


@dataclass
class SplitAssignment:
    """
    The split of every utterance of one corpus and how it was made.

    Args:
        splits (`list[str]`): `"train"`, `"validation"` or `"test"` per utterance, in input order.
        method (`str`): Short name of the method: `"official"`, `"official (speaker-independent)"`,
            `"speaker-independent"`, `"utterance (no speaker information)"`, `"utterance (fewer than 3 speakers)"`.
        details (`str`): Human-readable details (speaker counts per split, warnings).
    """

    splits: list[str]
    method: str
    details: str = ""


def _rng(seed: int, salt: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(salt.encode("utf-8"))])


def _check_ratios(ratios: Sequence[float]) -> tuple[float, float, float]:
    if len(ratios) != 3 or any(r < 0 for r in ratios) or not np.isclose(sum(ratios), 1.0) or ratios[0] <= 0:
        raise ValueError(f"ratios must be three non-negative numbers summing to 1 with train > 0, got {ratios}.")
    return float(ratios[0]), float(ratios[1]), float(ratios[2])


def speaker_overlap(speakers: Sequence[str | None], splits: Sequence[str]) -> dict[tuple[str, str], set[str]]:
    """
    Speakers that appear in more than one split.

    Args:
        speakers (`Sequence[str | None]`): Speaker per utterance (`None` = unknown, ignored).
        splits (`Sequence[str]`): Split per utterance.

    Returns:
        `dict` mapping each pair of splits `(a, b)` (in `SPLITS` order) with shared speakers to those speakers.
    """
    members: dict[str, set[str]] = defaultdict(set)
    for speaker, split in zip(speakers, splits, strict=True):
        if speaker is not None:
            members[split].add(speaker)
    names = [name for name in SPLITS if name in members] + sorted(set(members) - set(SPLITS))
    overlap = {}
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            shared = members[first] & members[second]
            if shared:
                overlap[(first, second)] = shared
    return overlap


def utterance_split(
    class_ids: Sequence[int], *, seed: int = 42, ratios: Sequence[float] = DEFAULT_RATIOS, salt: str = ""
) -> list[str]:
    """
    Class-stratified random utterance split (for corpora without usable speaker information).

    Every class with at least 3 utterances gets at least one in validation and one in test (when those ratios are
    non-zero).

    Args:
        class_ids (`Sequence[int]`): Class per utterance.
        seed (`int`, *optional*, defaults to 42): Random seed.
        ratios (`Sequence[float]`, *optional*): Train/validation/test utterance ratios.
        salt (`str`, *optional*): Extra seed material (the corpus id), so corpora get different permutations.

    Returns:
        `list[str]` with the split of every utterance.
    """
    _, r_val, r_test = _check_ratios(ratios)
    rng = _rng(seed, "utterance/" + salt)
    by_class: dict[int, list[int]] = defaultdict(list)
    for index, class_id in enumerate(class_ids):
        by_class[class_id].append(index)
    splits = ["train"] * len(class_ids)
    for class_id in sorted(by_class):
        indices = [by_class[class_id][i] for i in rng.permutation(len(by_class[class_id]))]
        n = len(indices)
        n_test, n_val = round(n * r_test), round(n * r_val)
        if n >= 3:
            n_test = max(n_test, 1 if r_test > 0 else 0)
            n_val = max(n_val, 1 if r_val > 0 else 0)
        for index in indices[:n_test]:
            splits[index] = "test"
        for index in indices[n_test : n_test + n_val]:
            splits[index] = "validation"
    return splits


def speaker_independent_split(
    speakers: Sequence[str],
    class_ids: Sequence[int],
    *,
    seed: int = 42,
    ratios: Sequence[float] = DEFAULT_RATIOS,
    salt: str = "",
    trials: int = 256,
) -> list[str]:
    """
    Speaker-independent split: about `ratios` of the speakers per split, no speaker in two splits.

    A seeded search tries `trials` speaker orders; in each, test then validation speakers are drawn greedily,
    preferring speakers that add a class the split still lacks without taking the last speaker of a class away from
    the rest. The order with the fewest (split, class) gaps, then the utterance shares closest to `ratios`, wins.

    Args:
        speakers (`Sequence[str]`): Speaker per utterance (all known).
        class_ids (`Sequence[int]`): Class per utterance.
        seed (`int`, *optional*, defaults to 42): Random seed.
        ratios (`Sequence[float]`, *optional*): Train/validation/test ratios of speakers.
        salt (`str`, *optional*): Extra seed material (the corpus id).
        trials (`int`, *optional*, defaults to 256): Number of speaker orders tried.

    Returns:
        `list[str]` with the split of every utterance.

    Raises:
        ValueError: fewer than `MIN_SPEAKERS` speakers, or a speaker is `None`.
    """
    ratios = _check_ratios(ratios)
    if any(speaker is None for speaker in speakers):
        raise ValueError("speaker_independent_split needs a speaker for every utterance.")
    n = len(set(speakers))
    if n < MIN_SPEAKERS:
        raise ValueError(f"A speaker-independent split needs at least {MIN_SPEAKERS} speakers, got {n}.")
    n_test = max(1, round(n * ratios[2])) if ratios[2] > 0 else 0
    n_val = max(1, round(n * ratios[1])) if ratios[1] > 0 else 0
    while n - n_test - n_val < 1:
        if n_val >= n_test and n_val > 0:
            n_val -= 1
        else:
            n_test -= 1
    targets = {"test": n_test, "validation": n_val}
    return _search_speakers(speakers, class_ids, targets, ratios, _rng(seed, "speaker/" + salt), trials)


def _search_speakers(speakers, class_ids, targets: dict[str, int], ratios, rng, trials: int) -> list[str]:
    """Seeded greedy search behind `speaker_independent_split`; speakers not drawn for `targets` go to train."""
    classes: dict[str, set[int]] = defaultdict(set)
    sizes: Counter = Counter()
    for speaker, class_id in zip(speakers, class_ids, strict=True):
        classes[speaker].add(class_id)
        sizes[speaker] += 1
    names = sorted(classes)
    all_classes = set().union(*classes.values())
    total = sum(sizes.values())
    wanted = dict(zip(SPLITS, ratios))

    best_key, best = None, None
    for _ in range(max(1, trials)):
        pool = [names[i] for i in rng.permutation(len(names))]
        holders = Counter(class_id for speaker in pool for class_id in classes[speaker])
        assignment: dict[str, str] = {}
        for split, target in targets.items():
            covered: set[int] = set()
            for _ in range(target):
                missing = all_classes - covered
                pick, first_safe = None, None
                for speaker in pool:
                    if all(holders[c] > 1 for c in classes[speaker]):
                        if first_safe is None:
                            first_safe = speaker
                        if classes[speaker] & missing:
                            pick = speaker
                            break
                        if not missing:
                            break
                if pick is None:
                    pick = (
                        first_safe
                        if first_safe is not None
                        else next((s for s in pool if classes[s] & missing), pool[0])
                    )
                pool.remove(pick)
                holders.subtract(classes[pick])
                covered |= classes[pick]
                assignment[pick] = split
        for speaker in pool:
            assignment[speaker] = "train"
        members: dict[str, set[int]] = defaultdict(set)
        shares: Counter = Counter()
        for speaker, split in assignment.items():
            members[split] |= classes[speaker]
            shares[split] += sizes[speaker]
        used = ["train", *(split for split, target in targets.items() if target > 0)]
        gaps = sum(len(all_classes - members[split]) for split in used)
        deviation = sum(abs(shares[split] / total - wanted.get(split, 0.0)) for split in used)
        key = (gaps, round(deviation, 9))
        if best_key is None or key < best_key:
            best_key, best = key, assignment
    return [best[speaker] for speaker in speakers]


def assign_splits(
    speakers: Sequence[str | None],
    class_ids: Sequence[int],
    official: Sequence[str | None] | None = None,
    *,
    official_speaker_independent: bool = False,
    policy: str = "speaker",
    seed: int = 42,
    ratios: Sequence[float] = DEFAULT_RATIOS,
    salt: str = "",
) -> SplitAssignment:
    """
    Splits one corpus following `policy` (see the module docstring).

    Args:
        speakers (`Sequence[str | None]`): Speaker per utterance (`None` = unknown).
        class_ids (`Sequence[int]`): Class per utterance.
        official (`Sequence[str | None]`, *optional*): Official split per utterance, if the corpus has one.
        official_speaker_independent (`bool`, *optional*): Whether the corpus declares its official split
            speaker-independent.
        policy (`str`, *optional*, defaults to `"speaker"`): `"speaker"` or `"official"`.
        seed (`int`, *optional*, defaults to 42): Random seed.
        ratios (`Sequence[float]`, *optional*): Train/validation/test ratios.
        salt (`str`, *optional*): Extra seed material (the corpus id).

    Returns:
        [`SplitAssignment`].

    Raises:
        ValueError: unknown policy, lengths differ, or an official split name is unknown.
    """
    if policy not in SPLIT_POLICIES:
        raise ValueError(f"Unknown split policy {policy!r}; use one of {SPLIT_POLICIES}.")
    if len(speakers) != len(class_ids) or (official is not None and len(official) != len(class_ids)):
        raise ValueError("speakers, class_ids and official must have one entry per utterance.")
    notes = []
    official = [normalize_split_name(name) for name in official] if official is not None else None
    if official is not None and any(name is not None for name in official):
        if any(name is None for name in official):
            missing = sum(name is None for name in official)
            notes.append(f"official split ignored: {missing} of {len(official)} utterances have none")
        elif policy == "official":
            return SplitAssignment(list(official), "official", _describe(speakers, official))
        elif official_speaker_independent:
            overlap = speaker_overlap(speakers, official)
            if not overlap:
                return _official_speaker_independent(speakers, class_ids, official, seed, ratios, salt)
            shared = sorted(set().union(*overlap.values()))
            notes.append(
                f"official split declared speaker-independent but {len(shared)} speakers appear in several splits"
            )
        else:
            notes.append("official split is not speaker-independent: kept in the `official_split` column")

    known = {speaker for speaker in speakers if speaker is not None}
    if not known:
        splits = utterance_split(class_ids, seed=seed, ratios=ratios, salt=salt)
        return SplitAssignment(splits, "utterance (no speaker information)", _describe(speakers, splits, notes))
    groups = [speaker if speaker is not None else f"\0unknown-{i}" for i, speaker in enumerate(speakers)]
    if len(set(groups)) < MIN_SPEAKERS:
        splits = utterance_split(class_ids, seed=seed, ratios=ratios, salt=salt)
        notes.append(f"only {len(known)} speaker(s): a speaker-independent split is impossible")
        return SplitAssignment(splits, "utterance (fewer than 3 speakers)", _describe(speakers, splits, notes))
    if len(known) < len(set(groups)):
        notes.append(f"{sum(s is None for s in speakers)} utterances without speaker were placed one by one")
    splits = speaker_independent_split(groups, class_ids, seed=seed, ratios=ratios, salt=salt)
    return SplitAssignment(splits, "speaker-independent", _describe(speakers, splits, notes))


def _official_speaker_independent(speakers, class_ids, official, seed, ratios, salt) -> SplitAssignment:
    """Uses a speaker-independent official split; carves validation speakers out of train when it has none."""
    splits = list(official)
    if "validation" in splits or ratios[1] == 0:
        return SplitAssignment(splits, "official (speaker-independent)", _describe(speakers, splits))
    train = [i for i, name in enumerate(splits) if name == "train"]
    train_speakers = {speakers[i] for i in train if speakers[i] is not None}
    if len(train_speakers) < 2:
        return SplitAssignment(
            splits, "official (speaker-independent)", _describe(speakers, splits, ["no validation split"])
        )
    n_val = max(1, round(len(train_speakers) * ratios[1] / (ratios[0] + ratios[1])))
    sub = _search_speakers(
        [speakers[i] if speakers[i] is not None else f"\0unknown-{i}" for i in train],
        [class_ids[i] for i in train],
        {"validation": n_val},
        (ratios[0] / (ratios[0] + ratios[1]), ratios[1] / (ratios[0] + ratios[1]), 0.0),
        _rng(seed, "official-validation/" + salt),
        64,
    )
    for index, name in zip(train, sub):
        splits[index] = name
    note = "validation speakers taken from the official train split"
    return SplitAssignment(splits, "official (speaker-independent)", _describe(speakers, splits, [note]))


def _describe(speakers, splits, notes=()) -> str:
    """'train 20 spk / 1600 utt, ...' plus notes."""
    utterances = Counter(splits)
    members: dict[str, set] = defaultdict(set)
    for speaker, split in zip(speakers, splits):
        if speaker is not None:
            members[split].add(speaker)
    parts = []
    for split in SPLITS:
        text = f"{split} {utterances.get(split, 0)} utt"
        if members:
            text += f" / {len(members.get(split, ()))} spk"
        parts.append(text)
    return "; ".join([", ".join(parts), *notes])
