"""factcheck: check the claims of a news article against a corpus of reference sources.

The public names are imported on first use, so `import factcheck.corpus` or the CLI's
`--help` do not pay for loading LangChain, Chroma and the models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "FactChecker": "factcheck.checker",
    "Article": "factcheck.claims",
    "read_article": "factcheck.claims",
    "Settings": "factcheck.config",
    "FactCheckError": "factcheck.errors",
    "InputError": "factcheck.errors",
    "CorpusError": "factcheck.errors",
    "StoreError": "factcheck.errors",
    "ConfigError": "factcheck.errors",
    "IndexReport": "factcheck.store",
    "Claim": "factcheck.types",
    "Evidence": "factcheck.types",
    "Label": "factcheck.types",
    "Quantity": "factcheck.types",
    "Stance": "factcheck.types",
    "Verdict": "factcheck.types",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'factcheck' has no attribute {name!r}")


if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports on demand
    from factcheck.checker import FactChecker  # noqa: F401
    from factcheck.claims import Article, read_article  # noqa: F401
    from factcheck.config import Settings  # noqa: F401
    from factcheck.errors import ConfigError, CorpusError, FactCheckError, InputError, StoreError  # noqa: F401
    from factcheck.store import IndexReport  # noqa: F401
    from factcheck.types import Claim, Evidence, Label, Quantity, Stance, Verdict  # noqa: F401
