"""Read a refused form back from a page (web.form_state): the value it sends again, and the message that the
field's aria-describedby names. Stdlib only."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from tests.web.forms import forms_on

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


class _Control(HTMLParser):
    """The attributes of control ``name`` inside the form whose id is ``form_id``."""

    def __init__(self, form_id: str, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.name = form_id, name
        self.control: dict[str, str] | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_form = a.get("id") == self.form_id
        elif self._in_form and tag in ("input", "select", "textarea") and a.get("name") == self.name:
            self.control = a

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def refused_field(html: str, form_id: str, name: str) -> tuple[str, str]:
    """(the value form ``form_id`` sends again for ``name``, the message beside it). Fails unless the control is
    marked ``aria-invalid="true"`` and described by an element of the page that holds a message."""
    parser = _Control(form_id, name)
    parser.feed(html)
    control = parser.control
    assert control is not None, f"no field {name!r} in form {form_id!r}"
    assert control.get("aria-invalid") == "true", f"{name!r} is not marked invalid: {control}"
    described = control.get("aria-describedby", "")
    found = re.search(rf'<(\w+)[^>]* id="{re.escape(described)}"[^>]*>([^<]+)</\1>', html) if described else None
    assert found, f"{name!r} is described by nothing on the page: {control}"
    return forms_on(html)[form_id][name], unescape(found.group(2)).strip()


def page_title(html: str) -> str:
    found = TITLE.search(html)
    return found.group(1).strip() if found else ""


def assert_own_page(response, title: str) -> None:  # type: ignore[no-untyped-def]
    """Status 400 on the form's own page, never the generic "Chưa lưu" page with its back link."""
    assert response.status_code == 400, response.text[:500]
    assert "data-back" not in response.text and "<h1>Chưa lưu</h1>" not in response.text
    assert page_title(response.text) == f"{title} · Hạn chót"
