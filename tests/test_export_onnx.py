"""`exhubert export-onnx`: the ONNX graph gives PyTorch's logits for other batch sizes and lengths."""

import numpy as np
import pytest
import torch

from exhubert import ExHubertForSequenceClassification
from exhubert.cli.main import main
from exhubert.data.collator import AudioCollator
from exhubert.expansion import default_feature_extractor

onnxruntime = pytest.importorskip("onnxruntime", reason="optional extra exhubert[onnx]")
pytest.importorskip("onnxscript", reason="optional extra exhubert[onnx]")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:# The axis name")
def test_export_onnx_matches_pytorch(tiny_exhubert_dir, tmp_path, capsys):
    output = tmp_path / "onnx" / "model.onnx"
    assert main(["export-onnx", str(tiny_exhubert_dir), str(output)]) == 0
    assert "max |logit difference|" in capsys.readouterr().out
    assert [p.name for p in output.parent.iterdir()] == ["model.onnx"]  # no staging folder left behind

    # An independent check: another batch size and lengths than the export and its verification used.
    model = ExHubertForSequenceClassification.from_pretrained(tiny_exhubert_dir).eval()
    rng = np.random.default_rng(7)
    clips = [rng.standard_normal(n).astype(np.float32) for n in (7000, 21000, 13000, 30000)]
    batch = AudioCollator(default_feature_extractor(model.config))([{"audio": clip} for clip in clips])
    session = onnxruntime.InferenceSession(str(output), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input_values", "attention_mask"]
    inputs = {"input_values": batch["input_values"].numpy(), "attention_mask": batch["attention_mask"].numpy()}
    onnx_logits = session.run(["logits"], {**inputs, "attention_mask": inputs["attention_mask"].astype(np.int64)})[0]
    with torch.no_grad():
        torch_logits = model(**batch).logits.numpy()
    assert np.abs(torch_logits).max() > 1e-3
    np.testing.assert_allclose(onnx_logits, torch_logits, rtol=1e-3, atol=1e-6)
