"""Model card contents (the usage snippet is executed in `test_push.py`, against an uploaded tiny model)."""

import pytest
from huggingface_hub import ModelCard

from exhubert import ExHubertConfig, ExHubertForSequenceClassification
from exhubert.hub.model_card import MODEL_ID_PLACEHOLDER, ModelCardData, generate_model_card, save_model_card


@pytest.fixture(scope="module")
def tiny_model(tiny_exhubert_dir):
    return ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir)


FULL_CARD_DATA = ModelCardData(
    repo_id="someone/exhubert-tiny",
    license="cc-by-nc-sa-4.0",
    datasets=["someone/emoset"],
    training_corpora={"ravdess": {"num_examples": 1000, "hours": 1.25}, "savee": 480, "my_corpus": {"hours": 0.013}},
    eval_results={
        "ravdess": {"uar": 0.5, "war": 0.625, "macro_f1": 0.4},
        "savee": {"uar": 0.7, "war": 0.75, "macro_f1": 0.6},
    },
    label_mapping={"high_negative": {"ravdess": ["angry", "fearful"], "savee": ["a"]}},
    hyperparameters={"learning_rate": 1e-5, "note": "a | b"},
    citations=["@misc{extra, title={Extra}}"],
)


def test_card_contents(tiny_model):
    text = generate_model_card(tiny_model, FULL_CARD_DATA)
    card = ModelCard(text)
    assert card.data.license == "cc-by-nc-sa-4.0"
    assert card.data.pipeline_tag == "audio-classification" and card.data.library_name == "transformers"
    assert card.data.datasets == ["someone/emoset"] and "exhubert" in card.data.tags
    assert card.data.language == ["en"]  # from the RAVDESS and SAVEE corpus scripts

    counts = tiny_model.num_parameters_by_status()
    assert f"| Parameters | {counts['total']:,} ({counts['total'] / 1e6:.2f}M) total: {counts['trainable']:,}" in text
    assert f"{counts['frozen']:,} ({counts['frozen'] / 1e6:.2f}M) frozen |" in text
    assert counts["trainable"] > 0 and counts["frozen"] > 0
    assert "factor 2: all 2 of 2 original layers expanded, 4 transformer layers in total" in text
    assert "| Frozen at training | original layers, convolutional feature encoder |" in text
    # Corpora with sizes and a total; unknown hours leave the total empty.
    assert "| 1,000 | 1.2 | en |" in text and "| 480 |" in text and "| **total** | 1,480 |  |" in text
    assert "| my_corpus |  | 0.013 |" in text  # small corpora keep two significant digits
    # Per-corpus evaluation in percent and the unweighted mean.
    assert "| ravdess | 50.0 | 62.5 | 40.0 |" in text and "| **mean over corpora** | 60.0 | 68.8 | 50.0 |" in text
    assert "| `high_negative` | ravdess: angry, fearful; savee: a |" in text
    assert "| note | a \\| b |" in text  # a pipe cannot break the table
    assert "| 3 | `high_negative` | 1 | 0 |" in text  # class table with arousal/valence levels
    assert 'model_id = "someone/exhubert-tiny"' in text and "exhubert predict someone/exhubert-tiny" in text
    for citation in ("Amiriparian, Shahin", "Hsu, Wei-Ning", "@misc{extra", "Livingstone"):
        assert citation in text
    assert "Intended use and limitations" in text and "decisions about individuals" in text
    assert "released under `cc-by-nc-sa-4.0`" in text


def test_card_without_training_information(tiny_model):
    text = generate_model_card(tiny_model)
    assert MODEL_ID_PLACEHOLDER in text
    assert "No training corpora were recorded" in text and "No evaluation results were recorded" in text
    assert "No licence was recorded" in text and "license:" not in text.split("---")[1]


def test_card_from_config_counts_on_meta_device(tiny_model, tiny_exhubert_dir):
    config = ExHubertConfig.from_pretrained(tiny_exhubert_dir)
    counts = tiny_model.num_parameters_by_status()
    for source in (config, tiny_exhubert_dir):
        text = generate_model_card(source)
        assert f"{counts['total']:,} ({counts['total'] / 1e6:.2f}M) total: {counts['trainable']:,} (" in text


def test_card_for_a_plain_hubert_classifier(tiny_hubert_classifier):
    text = generate_model_card(tiny_hubert_classifier)
    assert "Block expansion" not in text and "model_type: hubert" in text
    assert "carry no arousal/valence levels" in text and "| 0 | `LABEL_0` |  |  |" in text


def test_save_model_card(tmp_path, tiny_model):
    path = save_model_card(tmp_path / "out", tiny_model, FULL_CARD_DATA)
    assert path == tmp_path / "out" / "README.md"
    assert path.read_text() == generate_model_card(tiny_model, FULL_CARD_DATA)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["README.md"]  # no temporary file left behind
    with pytest.raises(FileNotFoundError, match="has no config.json"):
        generate_model_card(tmp_path / "out")


def test_label_mapping_from_the_label_table(tiny_model):
    """Without an explicit mapping, the card lists the label-table rows of the training corpora."""
    from exhubert.data.labels import LabelTable

    text = generate_model_card(tiny_model, ModelCardData(training_corpora={"ravdess": 10, "savee": 5}))
    assert "from the `exhubert` label table" in text and f"version\n{LabelTable.load().version}" in text
    row = next(line for line in text.splitlines() if line.startswith("| `high_negative` |"))
    assert "ravdess: 05 (anger), 06 (fear)" in row and "savee: a (anger), f (fear)" in row
    assert "the per-corpus mapping of this model was not recorded" in generate_model_card(tiny_model)


@pytest.fixture
def recordings_dir(tmp_path):
    """A working directory with `recordings/` holding a 4 s and a 1 s recording, as the card's command expects."""
    import numpy as np
    import soundfile as sf

    rng = np.random.default_rng(0)
    (tmp_path / "recordings").mkdir()
    for name, seconds in (("long.wav", 4.0), ("short.flac", 1.0)):
        sf.write(tmp_path / "recordings" / name, 0.1 * rng.standard_normal(int(seconds * 16000)), 16000)
    return tmp_path


def test_usage_snippets_run(tiny_exhubert_dir, recordings_dir, monkeypatch, capsys):
    """Both usage snippets of the card run against the saved model (the Hub round trip runs the Python one too)."""
    import re
    import shlex

    from exhubert.cli.main import main

    text = generate_model_card(tiny_exhubert_dir)
    python = (
        re.search(r"```python\n(.*?)```", text, re.S).group(1).replace(MODEL_ID_PLACEHOLDER, str(tiny_exhubert_dir))
    )
    exec(compile(python, "model_card_snippet", "exec"), {})
    assert "low_negative" in capsys.readouterr().out

    command = re.search(r"```bash\n(.*?)\n```", text, re.S).group(1)
    argv = shlex.split(command.replace(MODEL_ID_PLACEHOLDER, str(tiny_exhubert_dir)))
    assert argv[:2] == ["exhubert", "predict"]
    monkeypatch.chdir(recordings_dir)
    assert main(argv[1:]) == 0
    rows = (recordings_dir / "predictions.csv").read_text().splitlines()
    assert len(rows) == 1 + (1 + 2) + (1 + 1)  # header; 4 s clip + windows 0-3 s, 1-4 s; 1 s clip + its one window
