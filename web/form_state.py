"""A form that was refused, re-rendered on its own page: the message beside the field, the typed values kept.

Routes catch ``FormError``, roll back, and render their page again with ``failed`` in the context; templates
ask ``failed.on(form_id)``, ``failed.value(name, default)`` and ``failed.error(name)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import FormData

from web.deps import FormError

FORM_ERROR_STATUS = 400
_SECRET = ("csrf_token", "password")  # never echoed back into a page


@dataclass(frozen=True)
class FailedForm:
    form_id: str
    message: str
    field: str | None = None
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    lists: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # checkboxes and multiple selects

    @classmethod
    def of(cls, form_id: str, error: FormError, form: FormData) -> FailedForm:
        typed = {k: v for k, v in form.items() if isinstance(v, str) and k not in _SECRET}
        lists = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in typed}
        return cls(form_id, str(error), getattr(error, "field", None), typed, lists)

    def checked(self, name: str, value: str) -> bool:
        """Whether the refused form had ``value`` among the values of ``name`` (a checkbox it sent)."""
        return value in self.lists.get(name, [])

    def on(self, form_id: str) -> bool:
        return self.form_id == form_id

    def value(self, name: str, default: object = "") -> object:
        return self.values.get(name, default)

    def error(self, name: str) -> str | None:
        """The message when it belongs to ``name``; a message without a field is shown at the form's top."""
        return self.message if self.field == name else None


class NoFailure:
    """Stands in for FailedForm when nothing failed, so templates need no ``if failed`` guards."""

    message = None
    field = None

    def on(self, form_id: str) -> bool:
        return False

    def value(self, name: str, default: object = "") -> object:
        return default

    def error(self, name: str) -> None:
        return None

    def checked(self, name: str, value: str) -> bool:
        return False


NOTHING_FAILED = NoFailure()


def local_path(target: object) -> str | None:
    """``target`` when it is a path of this site, else None: never another host (``//evil``, ``https://…``) nor a
    backslash some browsers read as a slash. The one guard against open redirects (``back``, the login's ``next``)."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def back_path(form: Mapping[str, object]) -> str | None:
    """The form's ``back`` field (the page it was sent from) when it is a path of this site, else None."""
    return local_path(form.get("back"))
