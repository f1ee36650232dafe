"""The label table: package rows, anchors, every script label mapped, user overrides, clear errors."""

import csv

import pytest

from dataset_scripts import available_corpora, get_script
from exhubert import EXHUBERT_LABELS
from exhubert.data.labels import (
    ANCHORS,
    AROUSAL_LEVELS,
    CLASS_NAMES,
    PACKAGE_TABLE,
    VALENCE_LEVELS,
    LabelTable,
    UnmappedLabelError,
    class_id_from_dimensions,
)


@pytest.fixture(scope="module")
def table():
    return LabelTable.load()


def test_class_names_follow_the_model():
    assert CLASS_NAMES == tuple(EXHUBERT_LABELS)
    for class_id, name in enumerate(CLASS_NAMES):
        arousal, valence = name.split("_")
        assert class_id_from_dimensions(arousal, valence) == class_id
    with pytest.raises(ValueError, match="arousal"):
        class_id_from_dimensions("medium", "neutral")


def test_package_table_rows_are_consistent(table):
    assert len(table) > 0 and table.version != "unversioned"
    for row in table:
        if row.class_id is None:
            assert row.arousal is None and row.valence is None, row
            continue
        assert row.arousal in AROUSAL_LEVELS and row.valence in VALENCE_LEVELS, row
        assert row.class_id == class_id_from_dimensions(row.arousal, row.valence), row
        assert row.certainty in ("ok", "uncertain") and row.basis, row


def test_anchors_hold_everywhere(table):
    anchored = [row for row in table if row.emotion in ANCHORS]
    assert {row.emotion for row in anchored} == set(ANCHORS)
    for row in anchored:
        assert row.class_id == ANCHORS[row.emotion], row


def test_excluded_on_purpose(table):
    excluded = {(row.corpus_id, row.raw_label) for row in table if row.excluded}
    assert {("iemocap", "oth"), ("iemocap", "xxx"), ("smartkom", "unidentifiable")} <= excluded


@pytest.mark.parametrize("corpus", [c for c in available_corpora() if c != "manifest"])
def test_every_script_label_is_mapped(table, corpus):
    script = get_script(corpus)
    assert script.label_set, corpus
    for label in script.label_set:
        mapping = table.lookup(corpus, label)
        assert mapping.raw_label == label


def test_lookup_and_unmapped_error(table):
    assert table.lookup("ravdess", "05").class_name == "high_negative"
    assert table.lookup("urdu", " angry ").raw_label == "Angry"
    with pytest.raises(UnmappedLabelError) as error:
        table.lookup("ravdess", "99")
    assert isinstance(error.value, KeyError) and isinstance(error.value, ValueError)
    message = str(error.value)
    assert "'99'" in message and "'ravdess'" in message and str(PACKAGE_TABLE) in message
    assert "--label-map" in message
    assert ("ravdess", "99") not in table and ("ravdess", "01") in table


def test_distinct_label_counts(table):
    counts = table.distinct_label_counts()
    rows = table.rows
    assert counts["pairs"] == len(rows)
    assert counts["raw_exact"] == len({row.raw_label for row in rows})
    assert counts["emotions"] <= counts["raw_casefolded"] <= counts["raw_exact"] <= counts["pairs"]
    assert counts["excluded"] == sum(row.excluded for row in rows)
    two = table.distinct_label_counts(["savee", "ravdess"])
    assert two == {"pairs": 15, "raw_exact": 15, "raw_casefolded": 15, "emotions": 8, "excluded": 0, "corpora": 2}


def test_user_override_file(tmp_path, table):
    override = tmp_path / "mine.csv"
    override.write_text(
        "# my corrections\n"
        "corpus_id,raw_label,emotion,arousal,valence,class_id,version\n"
        "tess,ps,pleasant surprise,high,positive,,1.1\n"
        "mycorpus,grumpy,grumpiness,,,3,\n"
        "mycorpus,junk,,,,,\n"
    )
    merged = LabelTable.load(overrides=override)
    assert merged.lookup("tess", "ps").class_name == "high_positive"
    assert merged.lookup("tess", "ps").table == str(override)
    assert merged.lookup("mycorpus", "grumpy").arousal == "high"
    assert merged.lookup("mycorpus", "junk").excluded
    assert merged.version == "1.1"
    assert len(merged) == len(table) + 2
    assert table.lookup("tess", "ps").class_name == "high_neutral"


@pytest.mark.parametrize(
    "content, match",
    [
        ("corpus_id,raw_label,class_id\nx,a,7\n", "line 2: class_id must be in 0-5"),
        ("corpus_id,raw_label,arousal,valence,class_id\nx,a,low,negative,3\n", "contradicts"),
        ("corpus_id,raw_label,class_id\nx,a,1\nx,a,2\n", "already defined on line 2"),
        ("corpus,label\nx,a\n", "needs the columns"),
        ("corpus_id,raw_label,arousal,valence\nx,a,mid,neutral\n", "arousal must be one of"),
    ],
)
def test_bad_override_files(tmp_path, content, match):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=match) as error:
        LabelTable.load(overrides=path)
    assert str(path) in str(error.value)
    with pytest.raises(FileNotFoundError):
        LabelTable.load(overrides=tmp_path / "missing.csv")


def test_write_csv_round_trip(tmp_path, table):
    path = table.write_csv(tmp_path / "subset.csv", corpora=["ravdess", "iemocap"])
    copy = LabelTable.load(path)
    assert {row.corpus_id for row in copy} == {"ravdess", "iemocap"}
    assert copy.lookup("iemocap", "xxx").excluded
    assert [r.class_id for r in copy.rows_for("ravdess")] == [r.class_id for r in table.rows_for("ravdess")]
    with path.open() as handle:
        assert next(csv.reader(handle))[:6] == ["corpus_id", "raw_label", "emotion", "arousal", "valence", "class_id"]


def test_package_table_tolerates_appended_rows(tmp_path):
    copy = tmp_path / "label_map.csv"
    copy.write_text(PACKAGE_TABLE.read_text() + "newcorpus,X,anger,high,negative,3\n")
    table = LabelTable.load(copy)
    assert table.lookup("newcorpus", "X").class_id == 3
    assert table.lookup("newcorpus", "X").version is None
