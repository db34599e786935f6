/* packetgen drill page: ask where a fact is on the packet, time the answer, keep the results.
   Inlined into build/drills/<person-id>.html by packetgen/drill/; no network, no libraries.
   Answer keys are the packet's data-field attributes. Results stay in localStorage until exported. */
(function () {
  "use strict";

  // "how_i_say_no" -> "How I say no": sentence case, with the pronoun I capitalised.
  function fieldLabel(field) {
    var words = field.replace(/_/g, " ").replace(/\bi\b/g, "I");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  var config = JSON.parse(document.getElementById("drill-config").textContent);
  var storageKey = "packetgen-drill:" + config.person_id;
  var packet = document.getElementById("packet");
  var cover = document.getElementById("packet-cover");
  var coverText = document.getElementById("packet-cover-text");
  var ui = {};
  ["role", "start", "pause", "progress", "question", "status", "results", "summary", "rows", "export",
   "again", "saved"].forEach(function (name) { ui[name] = document.getElementById("drill-" + name); });

  var targets = packet.querySelectorAll("[data-field]");
  Array.prototype.forEach.call(targets, function (el) { el.tabIndex = 0; });

  var drill = null; /* the run in progress */

  function now() { return performance.now(); }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  function shuffled(items) {
    var out = items.slice();
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var tmp = out[i]; out[i] = out[j]; out[j] = tmp;
    }
    return out;
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "[]"); } catch (e) { return []; }
  }

  function store(runs) {
    if (runs.length) { localStorage.setItem(storageKey, JSON.stringify(runs)); }
    else { localStorage.removeItem(storageKey); }
    showSaved();
  }

  function showSaved() {
    var count = stored().length;
    ui.export.disabled = count === 0;
    ui.saved.textContent = count ? count + " drill(s) saved in this browser, not yet exported." : "";
  }

  function say(text) { ui.status.textContent = text; }

  function start() {
    var role = ui.role.value.trim();
    if (!role) {
      say("Enter the participant's role first (for example EMT).");
      ui.role.focus();
      return;
    }
    drill = {
      run: {
        drill_id: newId(), mode: "browser", person_id: config.person_id, plan_version: config.plan_version,
        fingerprint: config.fingerprint, participant_role: role, started_at: new Date().toISOString(),
        finished_at: null, answers: []
      },
      order: shuffled(config.questions), index: 0, t0: 0, shownAt: null, pausedAt: null, pausedMs: 0
    };
    ui.role.disabled = true;
    ui.start.disabled = true;
    ui.pause.disabled = false;
    ui.results.hidden = true;
    ui.again.hidden = true;
    say("");
    ask();
  }

  function ask() {
    var q = drill.order[drill.index];
    cover.hidden = true;
    packet.hidden = false;
    ui.progress.textContent = "Question " + (drill.index + 1) + " of " + drill.order.length;
    ui.question.textContent = q.text;
    ui.question.focus();
    drill.shownAt = new Date();
    drill.pausedMs = 0;
    drill.t0 = now();
  }

  function fieldsAround(el) {
    var fields = [];
    for (var node = el; node && node !== packet; node = node.parentElement) {
      if (node.hasAttribute && node.hasAttribute("data-field")) { fields.push(node.getAttribute("data-field")); }
    }
    return fields;
  }

  function answer(el) {
    if (!drill || drill.pausedAt !== null || drill.index >= drill.order.length) { return; }
    var q = drill.order[drill.index];
    var ms = Math.max(0, Math.round(now() - drill.t0 - drill.pausedMs));
    var fields = fieldsAround(el);
    drill.run.answers.push({
      field: q.field, question: q.text, clicked_field: fields[0] || null, ms: ms,
      correct: fields.some(function (f) { return q.accepts.indexOf(f) !== -1; }),
      shown_at: drill.shownAt.toISOString(),
      answered_at: new Date().toISOString()
    });
    drill.index += 1;
    if (drill.index < drill.order.length) {
      say("Answer recorded.");
      ask();
    } else {
      finish();
    }
  }

  function pause() {
    if (!drill || drill.index >= drill.order.length) { return; }
    if (drill.pausedAt === null) {
      drill.pausedAt = now();
      packet.hidden = true;
      cover.hidden = false;
      coverText.textContent = "Paused. The clock is stopped.";
      ui.question.textContent = "Paused. Press Resume to continue.";
      ui.pause.textContent = "Resume";
      say("Drill paused.");
    } else {
      drill.pausedMs += now() - drill.pausedAt;
      drill.pausedAt = null;
      cover.hidden = true;
      packet.hidden = false;
      ui.question.textContent = drill.order[drill.index].text;
      ui.pause.textContent = "Pause";
      say("Drill resumed.");
      ui.question.focus();
    }
  }

  function finish() {
    var run = drill.run;
    run.finished_at = new Date().toISOString();
    store(stored().concat([run]));
    var right = run.answers.filter(function (a) { return a.correct; }).length;
    ui.rows.textContent = "";
    run.answers.forEach(function (a, i) {
      var tr = document.createElement("tr");
      [String(i + 1), fieldLabel(a.field), (a.ms / 1000).toFixed(1), a.correct ? "Right" : "Wrong"]
        .forEach(function (text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
      ui.rows.appendChild(tr);
    });
    ui.summary.textContent = run.answers.length + " questions: " + right + " right, " +
      (run.answers.length - right) + " wrong. Participant: " + run.participant_role + ".";
    ui.results.hidden = false;
    ui.progress.textContent = "Drill finished.";
    ui.question.textContent = "Done. Export the results, or start a new drill.";
    ui.pause.disabled = true;
    ui.again.hidden = false;
    drill = null;
    say("Drill finished and saved in this browser.");
    ui.results.querySelector("h2").setAttribute("tabindex", "-1");
    ui.results.querySelector("h2").focus();
  }

  function again() {
    ui.role.disabled = false;
    ui.role.value = "";
    ui.start.disabled = false;
    ui.again.hidden = true;
    ui.results.hidden = true;
    packet.hidden = true;
    cover.hidden = false;
    coverText.textContent = "The packet appears here when the drill starts.";
    ui.progress.textContent = "";
    ui.question.textContent = "Enter the role, then press Start drill.";
    say("");
    ui.role.focus();
  }

  function exportResults() {
    var runs = stored();
    if (!runs.length) { say("Nothing to export."); return; }
    var data = { format: config.format, format_version: config.format_version,
                 exported_at: new Date().toISOString(), runs: runs };
    var stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
    var name = "drill-" + config.person_id + "-" + stamp + ".json";
    var url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    store([]);
    say("Exported " + runs.length + " drill(s) as " + name + ". Import it with: packetgen drill import " + name);
  }

  packet.addEventListener("click", function (event) {
    var el = event.target.closest("[data-field]");
    if (el && packet.contains(el)) { event.preventDefault(); answer(el); }
  });
  packet.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-field")) { event.preventDefault(); answer(el); }
  });
  ui.role.addEventListener("keydown", function (event) { if (event.key === "Enter") { start(); } });
  ui.start.addEventListener("click", start);
  ui.pause.addEventListener("click", pause);
  ui.again.addEventListener("click", again);
  ui.export.addEventListener("click", exportResults);
  showSaved();
})();
