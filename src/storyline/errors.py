"""Every error Storyline raises, under one root so callers can catch them all.

    StorylineError
    ├── InputError (ValueError)          one input item cannot be read
    │   ├── MissingInput (FileNotFoundError)
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   ├── UndecodableInput (UnicodeError)
    │   ├── MalformedRecord
    │   └── OversizeInput
    ├── StoreError                       the article store cannot be opened, migrated or written
    ├── ConfigError (ValueError)         a setting or backend name is invalid
    ├── BackendUnavailable (ImportError) an optional dependency is not installed
    └── DataUnavailable (FileNotFoundError)  benchmark data is not where expected

Messages say what was wrong, where (file, line), what is allowed, and a hint.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Root of all Storyline errors."""


class InputError(StorylineError, ValueError):
    """One input item (file, record, page) cannot be used; the batch goes on without it."""

    def __init__(self, source: str, problem: str, hint: str = "") -> None:
        self.source = source
        self.problem = problem
        self.hint = hint
        message = f"{source}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class MissingInput(InputError, FileNotFoundError):
    """A path given by the user does not exist."""


class EmptyInput(InputError):
    """A file or record holds no text."""


class BinaryInput(InputError):
    """A file holds binary data, not text."""


class UndecodableInput(InputError, UnicodeError):
    """A file's bytes cannot be decoded as text in any supported encoding."""


class MalformedRecord(InputError):
    """A structured record (JSON line, HTML page) cannot be parsed or lacks its text."""


class OversizeInput(InputError):
    """An input is larger than `Settings.max_input_bytes`."""


class ConfigError(StorylineError, ValueError):
    """A setting is out of range or names an unknown backend."""


class BackendUnavailable(StorylineError, ImportError):
    """An optional dependency is missing; the message names the pip extra that brings it."""


class DataUnavailable(StorylineError, FileNotFoundError):
    """A benchmark data file is not where it was expected."""


class StoreError(StorylineError):
    """The article store cannot be opened, migrated or written; what was stored is kept."""


class QueryInterrupted(StoreError):
    """A store query ran past its time budget or its caller went away, and was stopped."""


class StateConflict(StoreError):
    """Another writer kept saving the same state while this one worked; nothing was saved."""
