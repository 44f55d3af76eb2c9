"""What applying, syncing or removing a template did (or, in a dry run, would do)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from oltflow.inventory.models import Olt


@dataclass(frozen=True)
class SkippedNode:
    key: str
    reason: str


@dataclass
class OltApplyReport:
    """The outcome on one OLT, node keys per action."""

    olt: Olt
    workflow_created: bool = False
    created: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    synced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedNode] = field(default_factory=list)
    jobs_changed: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.workflow_created or self.created or self.linked or self.synced or self.jobs_changed
        )


@dataclass
class ApplyReport:
    """Per OLT: nodes created, linked (an unlinked node with the same key adopted), synced
    (brought in line with the template), unchanged, and skipped (the key belongs to another
    template), with how many jobs were written."""

    template_name: str
    dry_run: bool = False
    olts: list[OltApplyReport] = field(default_factory=list)

    def _count(self, name: str) -> int:
        return sum(len(getattr(entry, name)) for entry in self.olts)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def linked(self) -> int:
        return self._count("linked")

    @property
    def synced(self) -> int:
        return self._count("synced")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def jobs_changed(self) -> int:
        return sum(entry.jobs_changed for entry in self.olts)

    @property
    def changed(self) -> bool:
        return any(entry.changed for entry in self.olts)

    def summary(self) -> str:
        """One line for logs and admin messages."""
        return _(
            "template %(template)r on %(olts)d OLT(s): %(created)d created, %(linked)d linked, "
            "%(synced)d synced, %(unchanged)d unchanged, %(skipped)d skipped, %(jobs)d job(s) "
            "written"
        ) % {
            "template": self.template_name,
            "olts": len(self.olts),
            "created": self.created,
            "linked": self.linked,
            "synced": self.synced,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "jobs": self.jobs_changed,
        }


@dataclass
class RemoveReport:
    """Node keys removed per OLT when a template is unapplied or deleted."""

    template_name: str
    removed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def nodes(self) -> int:
        return sum(len(keys) for keys in self.removed.values())

    def summary(self) -> str:
        return _("template %(template)r: %(nodes)d node(s) removed from %(olts)d OLT(s)") % {
            "template": self.template_name,
            "nodes": self.nodes,
            "olts": len(self.removed),
        }
