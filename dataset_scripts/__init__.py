"""Corpus scripts of EmoSet++: one module per corpus, named by its catalog `corpus_id`, each defining `SCRIPT`."""

import importlib
import pkgutil

from exhubert.data.corpus import CorpusScript


def available_corpora() -> list[str]:
    """Sorted ids of the corpora that have a script in this package."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def get_script(corpus_id: str) -> CorpusScript:
    """
    The [`~exhubert.data.corpus.CorpusScript`] of a corpus.

    Raises:
        ValueError: no script exists for `corpus_id`; the message lists the available ids.
    """
    if corpus_id not in available_corpora():
        raise ValueError(
            f"No corpus script for {corpus_id!r}. Available: {', '.join(available_corpora())}. "
            "Corpora without a script can be added with the `manifest` script (a CSV/JSONL file list)."
        )
    return importlib.import_module(f"{__name__}.{corpus_id}").SCRIPT
