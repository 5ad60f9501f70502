"""Accessibility checks of one loaded page in Chromium: axe-core's WCAG and best-practice rules, controls whose
accessible names say what they act on, and same-site links that open.
Used by tests/web/test_web_browser_accessibility.py.

Every check appends readable problems to a list instead of failing at once, so one run names them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.web.server import ROOT

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"  # pinned in tests/js/package.json
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and Deque's best practices (empty table headers, landmarks, …).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# What a control does: a link's address, a submit button's form (action, method, fields other than the CSRF token,
# the button's own name and value), a disclosure's first form, a script button's id or aria-controls.
CONTROLS_JS = """() => {
  axe.setup(document);
  try {
    const target = (el) => {
      if (el.matches('a[href]')) return 'link ' + el.href;
      if (el.matches('summary')) {
        const form = el.parentElement.querySelector('form');
        return 'disclosure ' + (form ? form.action : (el.parentElement.id || el.parentElement.textContent.trim()));
      }
      const form = el.form;
      if (form && (el.type || 'submit') === 'submit') {
        const fields = [...new FormData(form)].filter(([k]) => k !== 'csrf_token' && !form.elements[k]?.matches?.(
          'input:not([type=hidden]), select, textarea')).map(([k, v]) => k + '=' + v);
        if (el.name) fields.push(el.name + '=' + el.value);
        return 'form ' + form.method + ' ' + form.action + ' ' + fields.join('&');
      }
      return 'button #' + (el.id || el.getAttribute('aria-controls') || JSON.stringify({...el.dataset}));
    };
    return [...document.querySelectorAll('a[href], button, input[type=submit], input[type=button], summary')]
      .filter((el) => !el.closest('[hidden], [aria-hidden=true]'))
      .map((el) => ({name: axe.commons.text.accessibleText(el, {includeHidden: true}).replace(/\\s+/g, ' ').trim(),
                     target: target(el), html: el.outerHTML.slice(0, 160)}));
  } finally { axe.teardown(); }
}"""


@dataclass
class Checker:
    """Collects problems and the paths of the pages checked, for one browser run over the whole site."""

    problems: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    followed: dict[str, int] = field(default_factory=dict)

    def context(self, browser, base_url: str, **options: object):  # type: ignore[no-untyped-def]
        """A browser context whose pages load axe-core before their own scripts. Loaded by the browser itself, not
        as a page script: the app's content security policy (script-src 'self') stays in force."""
        context = browser.new_context(base_url=base_url, locale="vi-VN", **options)
        context.add_init_script(path=str(AXE))
        return context

    def page(self, page, who: str, *, follow_links: bool = False) -> None:  # type: ignore[no-untyped-def]
        """Run every check on the page as loaded; ``follow_links``: GET each same-site link (for visitors who
        cannot open every page)."""
        where = f"{who} {urlsplit(page.url).path}{'?' + urlsplit(page.url).query if urlsplit(page.url).query else ''}"
        self.checked.add(urlsplit(page.url).path)
        assert page.evaluate("() => typeof axe !== 'undefined'"), "axe-core is not loaded: use Checker.context"
        self._axe(page, where)
        self._names(page, where)
        if follow_links:
            self._links(page, where)

    def announced(self, page, who: str) -> None:  # type: ignore[no-untyped-def]
        """After a form is sent: the page that answers says what happened in a status or alert message, which a
        screen reader reads out without the user looking for it."""
        said = page.locator("[role=status], [role=alert]").all_inner_texts()
        if not any(text.strip() for text in said):
            self.problems.append(f"{who} {urlsplit(page.url).path}: the result of the form is in no status or alert")

    def _axe(self, page, where: str) -> None:  # type: ignore[no-untyped-def]
        found = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                              "resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, "
                              "help: v.help, targets: v.nodes.map(n => n.target.join(' ') + ' — ' + "
                              "n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200))})))", TAGS)
        for violation in found:
            for target in violation["targets"][:5]:
                self.problems.append(f"{where}: axe {violation['id']} ({violation['help']}) at {target}")
            if len(violation["targets"]) > 5:
                self.problems.append(f"{where}: axe {violation['id']}: {len(violation['targets']) - 5} more")

    def _names(self, page, where: str) -> None:  # type: ignore[no-untyped-def]
        by_name: dict[str, dict[str, str]] = {}
        for control in page.evaluate(CONTROLS_JS):
            if not control["name"]:
                self.problems.append(f"{where}: a control without an accessible name: {control['html']}")
                continue
            by_name.setdefault(control["name"].casefold(), {}).setdefault(control["target"], control["html"])
        for name, targets in by_name.items():
            if len(targets) > 1:
                sample = "; ".join(re.sub(r"\s+", " ", html) for html in list(targets.values())[:2])
                self.problems.append(f"{where}: {len(targets)} controls named {name!r} act on different things: "
                                     f"{sample}")

    def _links(self, page, where: str) -> None:  # type: ignore[no-untyped-def]
        """GET every same-site link not yet followed, all at once from the page (its cookies, its session).
        A redirect counts as a failure: for these visitors it only ever means "sign in first"."""
        origin = "{0.scheme}://{0.netloc}/".format(urlsplit(page.url))
        urls = sorted({urlsplit(href)._replace(fragment="").geturl() for href in page.evaluate(
            "() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
            if href.startswith(origin)} - set(self.followed))
        statuses = page.evaluate("(urls) => Promise.all(urls.map(u => fetch(u, {redirect: 'manual'}).then(r => "
                                 "r.type === 'opaqueredirect' ? 303 : r.status)))", urls)
        for url, status in zip(urls, statuses, strict=True):
            self.followed[url] = status
            if status != 200:
                self.problems.append(f"{where}: the link to {url} answers {status}")
