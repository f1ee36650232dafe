"""The package namespace: public names, and the training classes imported only when first used."""

import subprocess
import sys

import pytest

import exhubert


def test_public_names_resolve():
    from exhubert.training import ExHubertTrainer, ExHubertTrainingArguments

    assert exhubert.ExHubertTrainer is ExHubertTrainer
    assert exhubert.ExHubertTrainingArguments is ExHubertTrainingArguments
    assert all(hasattr(exhubert, name) for name in exhubert.__all__)
    with pytest.raises(AttributeError, match="no attribute 'ExHubertTrainr'"):
        exhubert.ExHubertTrainr  # noqa: B018


def test_import_does_not_load_the_trainer():
    code = "import sys, exhubert; print('transformers.trainer' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"
