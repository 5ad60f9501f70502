"""The database: SQLAlchemy models (one module per area), engine/session helpers and Alembic migrations.

Import models from here (``from models import Plan, Reminder``); ``models.db`` makes engines and sessions.
The names below are loaded on first use, not when the package is imported, so that ``hanchot --help``
and ``hanchot parse`` (whose modules live in this package's neighbours) never pay for SQLAlchemy.
Every mapped class is registered before the first mapper is configured (``models.base``), whichever
module was imported first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.access import ApiToken, LoginSession, SigninLink, ThrottleHit
    from models.agencies import Agency, AgencyGroupMember, AgencyLevel, Assignment, Contact, Role, Unit, UnitKind
    from models.audit import AuditLog
    from models.base import Base, UtcDateTime, utcnow
    from models.extensions import Extension, ExtensionStatus
    from models.feeds import FeedRole, FeedScope, FeedState, FeedToken, RenderedEvent
    from models.plans import Milestone, Occurrence, OccurrenceStatus, Plan, PlanStatus, Task, TaskOrigin
    from models.reminders import (
        Channel,
        ChannelOutage,
        Delivery,
        DeliveryStatus,
        Reminder,
        ReminderKind,
        ReminderStatus,
        SchedulerLease,
        ZaloCredential,
    )
    from models.revisions import PlanRevision, RevisionState
    from models.rules_state import RulesState

_MODULE_OF = {
    "models.access": ("ApiToken", "LoginSession", "SigninLink", "ThrottleHit"),
    "models.agencies": ("Agency", "AgencyGroupMember", "AgencyLevel", "Assignment", "Contact", "Role", "Unit",
                        "UnitKind"),
    "models.audit": ("AuditLog",),
    "models.base": ("Base", "UtcDateTime", "utcnow"),
    "models.extensions": ("Extension", "ExtensionStatus"),
    "models.feeds": ("FeedRole", "FeedScope", "FeedState", "FeedToken", "RenderedEvent"),
    "models.plans": ("Milestone", "Occurrence", "OccurrenceStatus", "Plan", "PlanStatus", "Task", "TaskOrigin"),
    "models.reminders": ("Channel", "ChannelOutage", "Delivery", "DeliveryStatus", "Reminder", "ReminderKind",
                         "ReminderStatus", "SchedulerLease", "ZaloCredential"),
    "models.revisions": ("PlanRevision", "RevisionState"),
    "models.rules_state": ("RulesState",),
}
__all__ = [
    "Agency", "AgencyGroupMember", "AgencyLevel", "ApiToken", "Assignment", "AuditLog", "Base", "Channel",
    "ChannelOutage", "Contact",
    "Delivery", "DeliveryStatus", "Extension", "ExtensionStatus", "FeedRole", "FeedScope", "FeedState", "FeedToken",
    "LoginSession", "Milestone", "Occurrence", "OccurrenceStatus", "Plan", "PlanRevision", "PlanStatus", "Reminder",
    "ReminderKind", "ReminderStatus", "RenderedEvent", "RevisionState", "Role", "RulesState", "SchedulerLease",
    "SigninLink", "Task", "TaskOrigin", "ThrottleHit", "Unit", "UnitKind", "UtcDateTime", "ZaloCredential", "utcnow",
]


def import_all() -> None:
    """Import every module that maps a table (the metadata and the class registry are then complete)."""
    for module_name in _MODULE_OF:
        import_module(module_name)


def __getattr__(name: str) -> Any:
    for module_name, names in _MODULE_OF.items():
        if name in names:
            import_all()
            value = getattr(import_module(module_name), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'models' has no attribute {name!r}")
