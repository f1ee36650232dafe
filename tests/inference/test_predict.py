"""`exhubert.inference.predict`: decoding of real-world files, windows, batching that never changes results."""

import sys

import numpy as np
import pytest
import soundfile as sf
import torch
from transformers import HubertConfig, HubertForSequenceClassification

from exhubert import ExHubertForSequenceClassification
from exhubert.data.audio import AudioDecodingError
from exhubert.data.collator import AudioCollator
from exhubert.expansion import default_feature_extractor
from exhubert.inference import label_dimensions, predict
from exhubert.inference.predict import RESULT_KEYS, collect_audio_files, pads_exactly

predict_module = sys.modules["exhubert.inference.predict"]  # `exhubert.inference.predict` is the function


@pytest.fixture(scope="module")
def sharp_model(tiny_exhubert_dir):
    """The tiny ExHuBERT with a 500x classifier, so that probabilities are far from uniform and sensitive."""
    model = ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir).eval()
    with torch.no_grad():
        model.classifier.weight.mul_(500.0)
    return model


@pytest.fixture(scope="module")
def group_norm_model():
    """A HuBERT-base style classifier (group-norm feature encoder, no attention mask), made sensitive to padding."""
    from exhubert.utils import tiny_hubert_kwargs

    torch.manual_seed(0)
    model = HubertForSequenceClassification(HubertConfig(**tiny_hubert_kwargs(), num_labels=6)).eval()
    with torch.no_grad():
        model.classifier.weight.mul_(500.0)
    return model


def clips(lengths, seed=0):
    rng = np.random.default_rng(seed)
    return [(0.1 * rng.standard_normal(n)).astype(np.float32) for n in lengths]


def probabilities(result) -> np.ndarray:
    return np.array(list(result["probabilities"].values()))


def count_forward_calls(model, shapes=False):
    """Records the batch size (or `(batch, samples)`) of every forward call of `model`; returns `(calls, handle)`."""
    calls = []

    def hook(module, args, kwargs):
        shape = tuple(kwargs["input_values"].shape)
        calls.append(shape if shapes else shape[0])

    return calls, model.register_forward_pre_hook(hook, with_kwargs=True)


@pytest.fixture
def full_batches(monkeypatch):
    """Lifts the CPU cap on padded audio per batch, so that batches hold `batch_size` segments as on a GPU."""
    monkeypatch.setattr(predict_module, "CPU_BATCH_SECONDS", float("inf"))


def test_batched_equals_single_with_attention_mask(sharp_model, full_batches):
    waveforms = clips([16000, 7000, 23456, 4000, 12001])
    assert pads_exactly(sharp_model, default_feature_extractor(sharp_model.config))
    calls, handle = count_forward_calls(sharp_model)
    try:
        batched = predict(sharp_model, waveforms, batch_size=4)
    finally:
        handle.remove()
    assert sorted(calls) == [1, 4]  # different lengths share batches (padding with mask)
    single = [predict(sharp_model, w, batch_size=1)[0] for w in waveforms]
    table = np.stack([probabilities(r) for r in batched])
    assert np.abs(table - table[0]).max() > 0.05  # the output depends on the input, so a padding effect would show
    for b, s in zip(batched, single):
        np.testing.assert_allclose(probabilities(b), probabilities(s), atol=1e-5)
        assert b["label"] == s["label"]


def test_batches_are_sorted_by_length(sharp_model, full_batches):
    """Segments are sorted longest first before batching, so that each batch pads to a similar length."""
    lengths = [4000, 23456, 7000, 16000, 12001, 9000]
    calls, handle = count_forward_calls(sharp_model, shapes=True)
    try:
        results = predict(sharp_model, clips(lengths), batch_size=2)
    finally:
        handle.remove()
    assert calls == [(2, 23456), (2, 12001), (2, 7000)]  # input order would pad to 23456, 16000 and 12001
    assert [r["duration"] for r in results] == [n / 16000 for n in lengths]  # results still in input order


def test_cpu_batches_hold_a_few_seconds_of_audio(sharp_model):
    """On CPU a batch holds at most CPU_BATCH_SECONDS of padded audio (larger batches are slower per clip there)."""
    lengths = [40000, 30000, 20000, 16000, 8000, 8000, 8000, 8000, 8000, 100000]
    calls, handle = count_forward_calls(sharp_model, shapes=True)
    try:
        predict(sharp_model, clips(lengths), batch_size=8)
    finally:
        handle.remove()
    budget = predict_module.CPU_BATCH_SECONDS * 16000
    assert calls == [(1, 100000), (1, 40000), (2, 30000), (4, 16000), (2, 8000)]
    assert all(size == 1 or size * samples <= budget for size, samples in calls)


def test_batched_equals_single_for_group_norm_models(group_norm_model, full_batches):
    """Group norm sees padding: only equal-length segments share a batch, so results do not depend on batching."""
    feature_extractor = default_feature_extractor(group_norm_model.config)
    assert not pads_exactly(group_norm_model, feature_extractor)
    waveforms = clips([16000, 9000, 16000, 12000])
    # Padding changes this model's output: naive batching would be wrong.
    batch = AudioCollator(feature_extractor)([{"audio": w} for w in waveforms[:2]])
    with torch.no_grad():
        padded = group_norm_model(**batch).logits[1].softmax(-1).numpy()
    alone = probabilities(predict(group_norm_model, waveforms[1])[0])
    assert np.abs(padded - alone).max() > 1e-3

    calls, handle = count_forward_calls(group_norm_model)
    try:
        batched = predict(group_norm_model, waveforms, batch_size=4)
    finally:
        handle.remove()
    assert sorted(calls) == [1, 1, 2]  # the two 1 s clips share a batch, the others run alone
    for waveform, result in zip(waveforms, batched):
        np.testing.assert_allclose(
            probabilities(result), probabilities(predict(group_norm_model, waveform)[0]), atol=1e-5
        )


def test_group_norm_windows_are_batched(group_norm_model, full_batches):
    waveform = clips([10 * 16000])[0]
    calls, handle = count_forward_calls(group_norm_model)
    try:
        result = predict(group_norm_model, waveform, batch_size=4, window=2.0, hop=1.0)[0]
    finally:
        handle.remove()
    assert len(result["windows"]) == 9 and calls == [4, 4, 1]
    second = result["windows"][1]
    alone = predict(group_norm_model, waveform[16000:48000])[0]
    np.testing.assert_allclose(list(second["probabilities"].values()), probabilities(alone), atol=1e-5)


def test_formats_rates_and_channels(sharp_model, recordings):
    names = ["stereo", "rate_44k", "rate_8k", "mp3", "flac_stereo"]
    results = predict(sharp_model, [recordings[name] for name in names], batch_size=2)
    for name, result, duration in zip(names, results, [1.5, 2.0, 1.25, 1.0, 1.75]):
        assert result["error"] is None, result["error"]
        assert result["source"] == str(recordings[name])
        assert result["duration"] == pytest.approx(duration, abs=0.06), name  # mp3 adds encoder padding
        assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        assert 0.0 <= result["arousal"] <= 1.0 and 0.0 <= result["valence"] <= 1.0
    # Stereo is mixed down to the channel mean, as in EmoSet++ building and training.
    left, right = recordings["stereo_channels"]
    mono = predict(sharp_model, (left + right) / 2)[0]
    np.testing.assert_allclose(probabilities(results[0]), probabilities(mono), atol=1e-5)


@pytest.mark.parametrize("corpus", ["ravdess", "savee", "urdu"])
def test_real_clips(sharp_model, corpus, full_batches):
    """Real recordings of the three shared corpora: all classified, full length, batched results equal single ones."""
    from data.emoset_files import shared_corpus

    every = sorted(str(p) for p in shared_corpus(corpus).rglob("*.wav"))
    files = every[:: len(every) // 4][:4]  # spread over speakers and emotions
    calls, handle = count_forward_calls(sharp_model)
    try:
        batched = predict(sharp_model, files, batch_size=4)
    finally:
        handle.remove()
    assert calls == [4]
    for path, result in zip(files, batched):
        assert result["error"] is None and result["source"] == path
        assert result["duration"] == pytest.approx(sf.info(path).duration, abs=1e-6)
        np.testing.assert_allclose(probabilities(result), probabilities(predict(sharp_model, path)[0]), atol=1e-5)


def test_arousal_and_valence_are_expectations(sharp_model):
    result = predict(sharp_model, clips([16000])[0])[0]
    p = result["probabilities"]
    assert result["arousal"] == pytest.approx(p["high_negative"] + p["high_neutral"] + p["high_positive"])
    expected_valence = p["low_positive"] + p["high_positive"] + 0.5 * (p["low_neutral"] + p["high_neutral"])
    assert result["valence"] == pytest.approx(expected_valence)


def test_label_dimensions_for_other_label_sets():
    arousal, valence = label_dimensions(["low", "High"])
    assert arousal.tolist() == [0.0, 1.0] and valence is None
    arousal, valence = label_dimensions(["negative", "neutral", "positive"])
    assert arousal is None and valence.tolist() == [0.0, 0.5, 1.0]
    assert label_dimensions(["angry", "happy", "sad"]) == (None, None)


def test_other_checkpoints_report_only_probabilities(tiny_hubert_classifier):
    result = predict(tiny_hubert_classifier, clips([8000])[0])[0]
    assert result["arousal"] is None and result["valence"] is None
    assert list(result["probabilities"]) == [f"LABEL_{i}" for i in range(6)]


@pytest.mark.slow
def test_two_minute_file_in_windows(sharp_model, recordings):
    result = predict(sharp_model, recordings["long"], window=3.0, hop=1.5, batch_size=16)[0]
    assert result["duration"] == pytest.approx(120.0)
    windows = result["windows"]
    assert len(windows) == 79  # starts 0, 1.5, ..., 117
    assert windows[0]["start"] == 0.0 and windows[-1]["end"] == pytest.approx(120.0)
    assert all(w["end"] - w["start"] == pytest.approx(3.0) for w in windows)
    window_probabilities = np.array([list(w["probabilities"].values()) for w in windows])
    np.testing.assert_allclose(probabilities(result), window_probabilities.mean(axis=0), atol=1e-6)
    assert result["arousal"] == pytest.approx(np.mean([w["arousal"] for w in windows]))
    assert result["label"] == list(result["probabilities"])[int(probabilities(result).argmax())]


def test_windows_cover_the_end(sharp_model):
    waveform = clips([int(7.3 * 16000)])[0]
    windows = predict(sharp_model, waveform, window=2.0)[0]["windows"]
    assert [(w["start"], w["end"]) for w in windows] == [(0.0, 2.0), (2.0, 4.0), (4.0, 6.0), (5.3, 7.3)]
    short = predict(sharp_model, clips([16000])[0], window=2.0)[0]
    assert [(w["start"], w["end"]) for w in short["windows"]] == [(0.0, 1.0)]
    np.testing.assert_allclose(probabilities(short), list(short["windows"][0]["probabilities"].values()))


def test_failing_files_are_reported_and_the_rest_processed(sharp_model, recordings):
    paths = [recordings["empty"], recordings["stereo"], recordings["corrupt"], recordings["short"]]
    results = predict(sharp_model, paths)
    assert [r["error"] is None for r in results] == [False, True, False, False]
    assert "empty" in results[0]["error"] and str(recordings["empty"]) in results[0]["error"]
    assert "cannot decode" in results[2]["error"]
    assert "too short" in results[3]["error"]
    assert results[0]["probabilities"] is None and results[0]["label"] is None
    with pytest.raises(AudioDecodingError, match="empty"):
        predict(sharp_model, paths, errors="raise")


def test_a_failing_forward_pass_fails_only_its_input(sharp_model, full_batches):
    """A batch whose forward pass fails (e.g. out of memory) is rerun clip by clip; only the culprit is reported."""
    waveforms = clips([16000, 30000, 8000])
    expected = [predict(sharp_model, w)[0] for w in waveforms]

    def fail_on_long_inputs(module, args, kwargs):
        if kwargs["input_values"].shape[1] > 20000:
            raise RuntimeError("simulated out of memory")

    handle = sharp_model.register_forward_pre_hook(fail_on_long_inputs, with_kwargs=True)
    try:
        results = predict(sharp_model, waveforms, batch_size=4)
        with pytest.raises(RuntimeError, match="simulated"):
            predict(sharp_model, waveforms, errors="raise")
    finally:
        handle.remove()
    assert results[1]["error"] == "<audio 1>: the model failed on this input (simulated out of memory)."
    assert results[1]["probabilities"] is None and set(results[1]) == set(RESULT_KEYS)
    for index in (0, 2):
        assert results[index]["error"] is None
        np.testing.assert_allclose(probabilities(results[index]), probabilities(expected[index]), atol=1e-5)


def test_progress_bar_counts_files(sharp_model, recordings, capsys):
    paths = [recordings["stereo"], recordings["corrupt"], recordings["rate_8k"]]
    predict(sharp_model, paths, progress=True)
    err = capsys.readouterr().err
    assert "Predicting" in err and "3/3" in err and "file" in err
    predict(sharp_model, paths, progress=False)
    assert "Predicting" not in capsys.readouterr().err


def test_datasets_audio_column(sharp_model, recordings):
    """Values of a datasets `Audio` column (torchcodec decoders) are classified like the files they decode."""
    from datasets import Audio, Dataset

    paths = [str(recordings["rate_44k"]), str(recordings["stereo"])]
    dataset = Dataset.from_dict({"audio": paths}).cast_column("audio", Audio(sampling_rate=16000))
    from_column = predict(sharp_model, dataset["audio"])
    from_files = predict(sharp_model, paths)
    for column_result, file_result in zip(from_column, from_files):
        assert column_result["duration"] == pytest.approx(file_result["duration"])
        np.testing.assert_allclose(probabilities(column_result), probabilities(file_result), atol=1e-5)
    native = Dataset.from_dict({"audio": paths[:1]}).cast_column("audio", Audio())
    assert "44100 Hz" in predict(sharp_model, native[0]["audio"])[0]["error"]


def test_directories_and_model_paths(tiny_exhubert_dir, recordings, tmp_path):
    files = collect_audio_files([recordings["root"] / "sub", recordings["stereo"]])
    assert files == [str(recordings["rate_8k"]), str(recordings["stereo"])]
    (tmp_path / "no_audio").mkdir()
    (tmp_path / "no_audio" / "notes.txt").write_text("x")
    with pytest.raises(FileNotFoundError, match="holds no audio file"):
        predict(tiny_exhubert_dir, tmp_path / "no_audio")
    from_path = predict(str(tiny_exhubert_dir), recordings["root"] / "sub")
    model = ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir)
    from_model = predict(model, [recordings["rate_8k"]])
    np.testing.assert_allclose(probabilities(from_path[0]), probabilities(from_model[0]), atol=1e-6)


def test_array_inputs_and_argument_errors(sharp_model):
    waveform = clips([16000])[0]
    as_dict = predict(sharp_model, {"array": waveform, "sampling_rate": 16000, "path": "x.wav"})[0]
    assert as_dict["source"] == "x.wav"
    np.testing.assert_allclose(
        probabilities(as_dict), probabilities(predict(sharp_model, torch.from_numpy(waveform))[0])
    )
    results = predict(sharp_model, [{"array": waveform, "sampling_rate": 8000}, np.stack([waveform, waveform])])
    assert "8000 Hz" in results[0]["error"] and "mono waveform" in results[1]["error"]
    with pytest.raises(ValueError, match="batch_size"):
        predict(sharp_model, waveform, batch_size=0)
    with pytest.raises(ValueError, match="`hop` needs `window`"):
        predict(sharp_model, waveform, hop=1.0)
    with pytest.raises(ValueError, match="receptive field"):
        predict(sharp_model, waveform, window=0.01)
    with pytest.raises(ValueError, match="errors"):
        predict(sharp_model, waveform, errors="ignore")
