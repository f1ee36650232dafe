"""Rendering of the Jinja card templates of the `model_cards` package (the repository's `model_cards/` folder)."""

from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "model_cards"


def render_template(name: str, **context) -> str:
    """
    Renders `model_cards/<name>` with `context`.

    Raises:
        FileNotFoundError: the template does not exist.
    """
    if not (TEMPLATE_DIR / name).is_file():
        raise FileNotFoundError(f"Card template {TEMPLATE_DIR / name} not found.")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(name).render(**context)
