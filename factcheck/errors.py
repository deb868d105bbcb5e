"""Errors a user can act on. The library raises them; only the CLI and the app present them."""


class FactCheckError(Exception):
    """Base class: its message is written for the person at the keyboard."""


class InputError(FactCheckError):
    """The article or file given cannot be read as text in a supported language."""


class CorpusError(FactCheckError):
    """The reference corpus is missing, empty or holds a source that cannot be read."""


class StoreError(FactCheckError):
    """The vector index cannot be opened, built or queried."""


class ConfigError(FactCheckError):
    """A setting names something that does not exist (an embedder, a Chroma mode)."""
