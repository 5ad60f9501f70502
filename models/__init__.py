"""The database: SQLAlchemy models (one module per area), engine/session helpers and Alembic migrations.

Import models from here (``from models import Plan, Reminder``); ``models.db`` makes engines and sessions.
"""

from models.agencies import Agency, AgencyGroupMember, AgencyLevel, Assignment, Contact, Role
from models.audit import AuditLog
from models.base import Base, UtcDateTime, utcnow
from models.extensions import Extension, ExtensionStatus
from models.feeds import FeedRole, FeedScope, FeedState, FeedToken, RenderedEvent
from models.plans import Milestone, Occurrence, OccurrenceStatus, Plan, PlanStatus, Task, TaskOrigin
from models.reminders import (
    Channel,
    Delivery,
    DeliveryStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
    ZaloCredential,
)
from models.rules_state import RulesState

__all__ = [
    "Agency", "AgencyGroupMember", "AgencyLevel", "Assignment", "AuditLog", "Base", "Channel", "Contact",
    "Delivery", "DeliveryStatus", "Extension", "ExtensionStatus", "FeedRole", "FeedScope", "FeedState",
    "FeedToken", "Milestone", "Occurrence", "OccurrenceStatus", "Plan", "PlanStatus", "Reminder", "ReminderKind",
    "ReminderStatus", "RenderedEvent", "Role", "RulesState", "Task", "TaskOrigin", "UtcDateTime", "ZaloCredential",
    "utcnow",
]
