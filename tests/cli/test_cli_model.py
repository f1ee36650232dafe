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
    assert main(["demo", "--output-dir", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "max |source - expanded| = 0.00e+00" in output
    assert (tmp_path / "model" / "modeling_exhubert.py").is_file()
