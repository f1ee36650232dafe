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
    training_corpora={"ravdess": {"num_examples": 1000, "hours": 1.25}, "savee": 480, "my_corpus": {"hours": 0.5}},
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
    assert f"{counts['total'] / 1e6:.2f}M total: {counts['trainable'] / 1e6:.2f}M trainable" in text
    assert "factor 2: all 2 of 2 original layers expanded, 4 transformer layers in total" in text
    assert "| Frozen at training | original layers, convolutional feature encoder |" in text
    # Corpora with sizes and a total; unknown hours leave the total empty.
    assert "| 1,000 | 1.2 | en |" in text and "| 480 |" in text and "| **total** | 1,480 |  |" in text
    assert "| my_corpus |  | 0.5 |" in text
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
        assert f"{counts['total'] / 1e6:.2f}M total: {counts['trainable'] / 1e6:.2f}M trainable" in text


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
