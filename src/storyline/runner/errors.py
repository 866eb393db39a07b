"""The runner's per-article error handler: a failing article becomes a Quarantined record.

As spaCy's `Language.set_error_handler`: the stage and the reason are kept, the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from storyline.errors import StorylineError
from storyline.records import Quarantined

Item = TypeVar("Item")
Result = TypeVar("Result")


class StageFailed(Exception):
    """Raised inside a stage to name the step that failed ("find_quotes"), keeping the cause."""

    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(step, cause)
        self.step = step
        self.cause = cause


def failure(source: str, stage: str, exc: BaseException) -> Quarantined:
    """The quarantine record for `source` failing in `stage`; the message names both."""
    if isinstance(exc, StageFailed):
        stage, exc = f"{stage}:{exc.step}", exc.cause
    problem = exc if isinstance(exc, StorylineError) else f"{type(exc).__name__}: {exc}"
    message = f"{source}: failed in {stage} ({problem}); left out of the briefing"
    return Quarantined(source, stage, message.encode("utf-8", "backslashreplace").decode())


def run_each(
    stage: str,
    step: Callable[[Item], Result],
    items: Iterable[Item],
    source: Callable[[Item], str] = lambda item: item.source,  # type: ignore[attr-defined]
) -> tuple[list[tuple[Item, Result]], list[Quarantined]]:
    """Apply a per-item stage; an item that raises is quarantined with the stage named."""
    done, quarantined = [], []
    for item in items:
        try:
            done.append((item, step(item)))
        except Exception as exc:  # noqa: BLE001 - the error handler: quarantine, go on
            quarantined.append(failure(source(item), stage, exc))
    return done, quarantined
