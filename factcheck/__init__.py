"""factcheck: check the claims of a news article against a corpus of reference sources."""

from factcheck.checker import FactChecker
from factcheck.claims import Article, read_article
from factcheck.config import Settings
from factcheck.errors import ConfigError, CorpusError, FactCheckError, InputError, StoreError
from factcheck.store import IndexReport
from factcheck.types import Claim, Evidence, Label, Quantity, Stance, Verdict

__all__ = [
    "Article",
    "Claim",
    "ConfigError",
    "CorpusError",
    "Evidence",
    "FactCheckError",
    "FactChecker",
    "IndexReport",
    "InputError",
    "Label",
    "Quantity",
    "Settings",
    "Stance",
    "StoreError",
    "Verdict",
    "read_article",
]
__version__ = "0.1.0"
