"""`exhubert expand`, `exhubert info` and `exhubert demo` end to end."""

import subprocess
import sys

import torch
from transformers import AutoModelForAudioClassification, HubertConfig, HubertForSequenceClassification

from exhubert.cli.main import main


def test_console_script_help():
    result = subprocess.run([sys.executable, "-m", "exhubert.cli.main", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("expand", "info", "demo"):
        assert command in result.stdout


def test_expand_and_info(tmp_path, tiny_kwargs, capsys):
    torch.manual_seed(0)
    source = HubertForSequenceClassification(HubertConfig(**tiny_kwargs(), num_labels=3))
    source.save_pretrained(tmp_path / "source")
    code = main(["expand", str(tmp_path / "source"), str(tmp_path / "out"), "--factor", "3", "--layers", "0"])
    assert code == 0
    output = capsys.readouterr().out
    assert "2 original -> 4 total" in output and "expanded blocks:      1 [0]" in output
    model = AutoModelForAudioClassification.from_pretrained(tmp_path / "out", trust_remote_code=True)
    torch.testing.assert_close(model.classifier.weight, source.classifier.weight)
    assert main(["info", str(tmp_path / "out")]) == 0
    assert "LABEL_0, LABEL_1, LABEL_2" in capsys.readouterr().out


def test_info_paper_table(capsys):
    assert main(["info", "--paper"]) == 0
    output = capsys.readouterr().out
    assert "311.49M" in output and "336.68M (336,682,886)" in output and "664.18M (664,182,662)" in output


def test_cli_errors_are_clear(tmp_path, tiny_kwargs, capsys):
    from transformers import BertConfig, BertModel

    BertModel(
        BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=8)
    ).save_pretrained(tmp_path / "bert")
    assert main(["expand", str(tmp_path / "bert"), str(tmp_path / "out")]) == 2
    assert "model_type is 'bert'" in capsys.readouterr().err
    HubertForSequenceClassification(HubertConfig(**tiny_kwargs())).save_pretrained(tmp_path / "hubert")
    assert main(["expand", str(tmp_path / "hubert"), str(tmp_path / "out"), "--layers", "7"]) == 2
    assert "valid indices are 0..1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["info", str(tmp_path)]) == 2
    assert "no config.json" in capsys.readouterr().err


def test_demo(tmp_path, capsys):
    import json
    import re

    assert main(["demo", "--output-dir", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "max |source - expanded| = 0.00e+00" in output
    results = json.loads((tmp_path / "eval_results.json").read_text())
    corpora = ["synth_a", "synth_b", "synth_c"]
    assert results["split"] == "test" and sorted(results["corpora"]) == corpora
    for scores in [*results["corpora"].values(), results["mean"]]:
        assert {"uar", "war", "macro_f1"} <= set(scores)
    # it learns: clearly above chance on the held-out synthetic speakers, in every corpus
    assert results["mean"]["uar"] > 3 * results["mean"]["chance_uar"]
    assert all(scores["uar"] > 2 * scores["chance_uar"] for scores in results["corpora"].values())
    model_dir = tmp_path / "model"
    for name in ("config.json", "model.safetensors", "modeling_exhubert.py", "README.md", "eval_results.json"):
        assert (model_dir / name).is_file(), name
    assert "synth_c" in (model_dir / "README.md").read_text()
    for name in ["training_curves", *(f"confusion_matrix_{corpus}" for corpus in corpora)]:
        assert (tmp_path / "plots" / f"{name}.png").stat().st_size > 1000, name
    # the model reloaded with trust_remote_code predicts the test files as the trainer evaluated them
    accuracy = float(re.search(r"test files, accuracy ([0-9.]+)", output).group(1))
    assert abs(accuracy - results["mean"]["war"]) <= 0.02
