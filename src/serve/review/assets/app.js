// comment-sieve review page: keyboard shortcuts and decisions without a
// reload. The page works without this script (every decision is a plain
// form post); this only makes it quicker.
//   j / k  next / previous comment
//   a / r  approve / reject the current comment
"use strict";
(function () {
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("article.item"));
  }
  var current = -1;
  function select(i) {
    var all = items();
    if (all.length === 0) { current = -1; return; }
    current = Math.max(0, Math.min(i, all.length - 1));
    all.forEach(function (el, k) { el.classList.toggle("current", k === current); });
    all[current].focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
  }
  function status(text) {
    var s = document.getElementById("status");
    if (s) { s.textContent = text; }
  }
  function decide(form, decision) {
    var body = new URLSearchParams(new FormData(form));
    body.set("decision", decision);
    var article = form.closest("article.item");
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; });
    }).then(function (x) {
      if (!x.ok) { throw new Error((x.j.error && x.j.error.message) || "refused"); }
      var all = items();
      var at = all.indexOf(article);
      article.remove();
      var p = document.getElementById("pending");
      if (p) { p.textContent = String(x.j.pending); }
      status("Decided: " + x.j.decision + ". " + x.j.feedback_events + " feedback events in the model.");
      if (items().length === 0) {
        var m = document.querySelector("main.queue");
        var e = document.createElement("p");
        e.className = "empty";
        e.textContent = "Nothing to review.";
        m.appendChild(e);
      }
      select(at);
    }).catch(function (e) {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      status("Not decided: " + e.message);
    });
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("decide")) { return; }
    ev.preventDefault();
    var b = ev.submitter;
    if (b && b.value) { decide(form, b.value); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) { return; }
    var all = items();
    if (ev.key === "j") { select(current + 1); }
    else if (ev.key === "k") { select(current < 0 ? 0 : current - 1); }
    else if (ev.key === "a" || ev.key === "r") {
      if (current < 0 || current >= all.length) { select(0); all = items(); }
      if (all.length === 0) { return; }
      var form = all[current].querySelector("form.decide");
      if (form) { decide(form, ev.key === "a" ? "approve" : "reject"); }
    } else { return; }
    ev.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("article.item").forEach(function (el, k) {
      el.addEventListener("click", function () { current = items().indexOf(el); select(current); });
    });
    if (items().length > 0) { select(0); }
  });
})();
