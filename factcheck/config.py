"""Settings read from FACTCHECK_* environment variables, with defaults that work offline."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CORPUS_DIR = PACKAGE_DIR.parent / "corpus"


class Settings(BaseSettings):
    """Where data lives and which models and store to use.

    Every field can be set as FACTCHECK_<NAME>, e.g. FACTCHECK_DATA_DIR=/tmp/fc.
    """

    model_config = SettingsConfigDict(env_prefix="FACTCHECK_", extra="ignore")

    data_dir: Path = Path("data")
    corpus_dir: Path = DEFAULT_CORPUS_DIR
    embedder: str = "use-multilingual"
    chroma_mode: Literal["embedded", "server"] = "embedded"
    chroma_host: str = "localhost"
    chroma_port: int = 8000
    collection: str = "factcheck"
    top_k: int = 10
    hybrid: bool = True
    frames: bool = True
    """Read a figure only when stated of the claim's subject and event; false only to measure what that adds."""
    stance: Literal["comparator", "model", "both"] = "both"
    stance_model: Literal["crossencoder", "features"] = "crossencoder"
    """The learned reader of what the comparator leaves open (FACTCHECK_STANCE_MODEL): the fine-tuned
    e5 cross-encoder (which also ties paraphrased figures to the claim) or the lighter classifier over
    frozen sentence vectors; see BENCHMARKS.md for the choice."""
    nli_model: str | None = None
    llm: str | None = None

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def sessions_db(self) -> Path:
        """The SQLite file of review sessions (see factcheck.sessions)."""
        return self.data_dir / "sessions.sqlite3"


SAMPLES_DIR = PACKAGE_DIR / "samples"
"""Sample articles shipped with the package, for the app's one-click buttons."""
