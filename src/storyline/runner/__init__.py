"""The stage runner: named stages over records, one orchestrator, per-article quarantine."""

from storyline.runner.analyse import Analyser, analyse_doc
from storyline.runner.errors import StageFailed, failure, run_each
from storyline.runner.runner import STAGES, Runner

__all__ = ["STAGES", "Analyser", "Runner", "StageFailed", "analyse_doc", "failure", "run_each"]
