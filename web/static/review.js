// Keyboard on the review page: "j" goes to the next task that needs checking, "k" to the previous one.
(function () {
  "use strict";
  function flagged() { return Array.prototype.slice.call(document.querySelectorAll("article.task.flagged")); }
  function current(list) {
    var here = document.activeElement && document.activeElement.closest ? document.activeElement.closest("article.task") : null;
    if (!here && location.hash) { here = document.getElementById(location.hash.slice(1)); }
    return list.indexOf(here);
  }
  function go(step) {
    var list = flagged();
    if (!list.length) { return; }
    var index = current(list) + step;
    var target = list[Math.max(0, Math.min(list.length - 1, index < 0 && step > 0 ? 0 : index))];
    history.replaceState(null, "", "#" + target.id);
    target.focus();
    target.scrollIntoView({block: "start"});
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.ctrlKey || event.metaKey || event.altKey || tag === "input" || tag === "textarea" || tag === "select") { return; }
    if (event.key === "j") { go(1); event.preventDefault(); }
    if (event.key === "k") { go(-1); event.preventDefault(); }
  });
  // The one-off date and the recurrence fields each belong to one kind: show the fields of the kind chosen.
  Array.prototype.forEach.call(document.querySelectorAll("form.milestone-form"), function (form) {
    var kind = form.querySelector("select[name=kind]");
    function show() {
      Array.prototype.forEach.call(form.querySelectorAll(".once-only"), function (e) { e.hidden = kind.value !== "once"; });
      Array.prototype.forEach.call(form.querySelectorAll(".recurring-only"), function (e) { e.hidden = kind.value !== "recurring"; });
    }
    kind.addEventListener("change", show);
    show();
  });
  // A recurring deadline's dates before saving: the fields build the rule (written into the RRULE box), or the
  // typed rule is read; the server answers with its words and dates (nominal and effective), nothing saved.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-preview]"), function (form) {
    var box = form.querySelector("textarea[name=rrule]");
    var out = form.querySelector(".recur-preview");
    function value(name) { var e = form.querySelector("[name=" + name + "]"); return e ? e.value : ""; }
    var asked = 0;  // answers can come back out of order: only the one to the latest question is shown
    function ask(source) {
      var query = new URLSearchParams({source: source, period: value("period"), day: value("day"),
                                       until: value("until"), rrule: box.value});
      var mine = ++asked;
      fetch(form.getAttribute("data-preview") + "?" + query.toString(), {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (mine !== asked) { return; }
          out.hidden = false;
          if (answer.error) { out.textContent = "⚠ " + answer.error; out.classList.add("field-error"); return; }
          out.classList.remove("field-error");
          if (source === "fields") { box.value = answer.rrule; }
          out.textContent = "Sẽ lưu: " + answer.words + " Ngày: " + answer.dates.map(function (d) {
            return d.effective === d.due ? d.due : d.effective + " (văn bản: " + d.due + ")";
          }).join(", ");
        })
        .catch(function () { if (mine === asked) { out.hidden = true; } });
    }
    ["period", "day", "until"].forEach(function (name) {
      var e = form.querySelector("[name=" + name + "]");
      if (e) { e.addEventListener("change", function () { ask("fields"); }); }
    });
    box.addEventListener("change", function () { ask("text"); });
  });
  // "Đổi cơ quan": the page carries the agencies once (#agency-choices); a list gets them when its form opens or
  // it is first used, keeping what it had chosen.
  var choices = document.getElementById("agency-choices");
  function fill(select) {
    if (!choices || select.getAttribute("data-filled")) { return; }
    var chosen = select.value;
    var blank = select.querySelector("option[value='']");
    select.textContent = "";
    if (blank) { select.appendChild(blank); }
    select.appendChild(choices.content.cloneNode(true));
    select.value = chosen;
    select.setAttribute("data-filled", "1");
  }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-agency-choices]"), function (select) {
    var details = select.closest("details");
    if (details) {
      details.addEventListener("toggle", function () { if (details.open) { fill(select); } });
      if (details.open) { fill(select); }
    }
    select.addEventListener("focus", function () { fill(select); });
  });
  var failed = document.querySelector("[aria-invalid='true']");
  if (failed) { failed.scrollIntoView({block: "center"}); failed.focus(); }
  else if (location.hash) { var t = document.getElementById(location.hash.slice(1)); if (t && t.focus) { t.focus(); } }
})();
