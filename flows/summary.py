"""What a run reports: one line per source (items, new, updated, errors, time) and the outputs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceSummary:
    name: str
    status: str = "ok"
    records: int = 0
    valid: int = 0
    new: int = 0
    updated: int = 0
    quarantined: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    bytes: int = 0
    not_modified: int = 0
    reused: int = 0  # immutable documents already collected, not requested
    repeated: int = 0  # records repeating an id already read in this run (the last reading is kept)
    not_yet: int = 0  # items published after the run's --as-of day: left out of that run
    flag: str = ""
    started_at: str = ""
    finished_at: str = ""


@dataclass
class RunSummary:
    run_id: str
    sources: list[SourceSummary] = field(default_factory=list)
    seconds: float = 0.0
    items_total: int = 0
    clusters_merged: int = 0
    pending_batches: int = 0
    outputs: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # pipeline-level problems (publishing…)
    as_of: str | None = None  # the day the run behaved as on (`--as-of`), None for now

    @property
    def all_failed(self) -> bool:
        """Every selected source failed: nothing was collected, whatever the warehouse already holds."""
        return bool(self.sources) and all(s.status in ("failed", "broken") for s in self.sources)

    @property
    def new(self) -> int:
        return sum(s.new for s in self.sources)

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.sources)
