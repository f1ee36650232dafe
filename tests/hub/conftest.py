"""A fake Hugging Face Hub: captures the repository creations and commits `huggingface_hub` would send."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest


class FakeHub:
    """
    Stands in for the Hub by patching `HfApi.create_repo`, `HfApi.create_commit` and `ModelCard.load`: every commit's
    operations are materialised under `root/<repo_type>/<repo_id>/`, exactly the files a clone would hold.
    """

    def __init__(self, root: Path):
        self.root = root
        self.repos: dict[tuple[str, str], dict] = {}
        self.commits: list[dict] = []

    def repo_dir(self, repo_id: str, repo_type: str = "model") -> Path:
        return self.root / repo_type / repo_id

    def create_repo(self, api, repo_id, *, token=None, private=None, repo_type=None, exist_ok=False, **kwargs):
        from huggingface_hub import RepoUrl

        repo_type = repo_type or "model"
        if (repo_type, repo_id) in self.repos and not exist_ok:
            raise RuntimeError(f"{repo_id} exists")
        self.repos.setdefault((repo_type, repo_id), {"private": private})
        self.repo_dir(repo_id, repo_type).mkdir(parents=True, exist_ok=True)
        prefix = "" if repo_type == "model" else f"{repo_type}s/"
        return RepoUrl(f"https://huggingface.co/{prefix}{repo_id}")

    def create_commit(self, api, repo_id, operations, *, commit_message=None, repo_type=None, **kwargs):
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete

        repo_type = repo_type or "model"
        if (repo_type, repo_id) not in self.repos:
            raise RuntimeError(f"commit to {repo_id} before create_repo")
        target = self.repo_dir(repo_id, repo_type)
        paths = []
        for operation in operations:
            path = target / operation.path_in_repo
            if isinstance(operation, CommitOperationAdd):
                path.parent.mkdir(parents=True, exist_ok=True)
                with operation.as_file() as handle:
                    path.write_bytes(handle.read())
                paths.append(operation.path_in_repo)
            elif isinstance(operation, CommitOperationDelete) and path.exists():
                path.unlink()
        self.commits.append({"repo_id": repo_id, "repo_type": repo_type, "message": commit_message, "paths": paths})
        return SimpleNamespace(commit_url=f"https://huggingface.co/{repo_id}/commit/0", oid="0" * 40, pr_url=None)

    def load_card(self, repo_id, *args, repo_type=None, **kwargs):
        from huggingface_hub import ModelCard
        from huggingface_hub.errors import EntryNotFoundError

        readme = self.repo_dir(repo_id, repo_type or "model") / "README.md"
        if not readme.is_file():
            raise EntryNotFoundError(f"{repo_id} has no README.md")
        return ModelCard(readme.read_text())


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    """The [`FakeHub`], with a fake token in the environment."""
    from huggingface_hub import HfApi, ModelCard

    hub = FakeHub(tmp_path / "hub")
    monkeypatch.setattr(HfApi, "create_repo", lambda api, repo_id, **kw: hub.create_repo(api, repo_id, **kw))
    monkeypatch.setattr(
        HfApi,
        "create_commit",
        lambda api, repo_id, operations, **kw: hub.create_commit(api, repo_id, operations, **kw),
    )
    monkeypatch.setattr(ModelCard, "load", classmethod(lambda cls, repo_id, *a, **kw: hub.load_card(repo_id, **kw)))
    monkeypatch.setenv("HF_TOKEN", "hf_fake_token_for_tests")
    return hub


BLOCK_EXHUBERT = """
import sys
sys.modules["exhubert"] = None  # `import exhubert` now raises ImportError
sys.modules["dataset_scripts"] = None
"""


def _run_without_exhubert(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """
    Runs `code` in a fresh interpreter where `exhubert` cannot be imported, with a working directory and module
    cache outside the repository; fails the test with the output when the script fails.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(HF_HUB_OFFLINE="1", HF_MODULES_CACHE=str(cwd / "modules_cache"), PYTHONDONTWRITEBYTECODE="1")
    script = BLOCK_EXHUBERT + textwrap.dedent(
        """
        try:
            import exhubert
        except ImportError:
            pass
        else:
            raise SystemExit("exhubert is importable")
        """
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", script + textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def run_without_exhubert():
    """Runs Python code in a fresh interpreter where `exhubert` cannot be imported (see `_run_without_exhubert`)."""
    return _run_without_exhubert
