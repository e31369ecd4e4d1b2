// The mockcml dashboard: polls the /_mock endpoints and draws what it reads.
// No framework and no external asset, so it works offline and from a container.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { lastJournalId: 0, journal: [], busy: false, timelineWindow: 3600 };
const PHASE_COLORS = {
  scheduling: "--scheduling", starting: "--starting", running: "--running", stopping: "--stopping",
  pending: "--pending", building: "--building", pushing: "--pushing", deploying: "--deploying",
  deployed: "--deployed",
};
const BAD = /FAILED|TIMEDOUT|failed|timedout|UNKNOWN/;
const GOOD = /SUCCEEDED|RUNNING$|^built$|^deployed$/;

const tokenInput = $("token");
tokenInput.value = sessionStorage.getItem("mockcml-control-token") || "";
tokenInput.addEventListener("change", () => sessionStorage.setItem("mockcml-control-token", tokenInput.value));

function headers(extra) {
  const out = Object.assign({ accept: "application/json" }, extra || {});
  if (tokenInput.value) out["x-mockcml-control-token"] = tokenInput.value;
  return out;
}

function notice(text, error) {
  const el = $("notice");
  el.textContent = text;
  el.className = error ? "error" : "";
}

async function call(method, path, body) {
  const init = { method, headers: headers(body ? { "content-type": "application/json" } : {}) };
  if (body) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${data.message || ""}`.trim());
  return data;
}

async function control(method, path, body, done) {
  try {
    await call(method, path, body);
    notice(done);
  } catch (error) {
    notice(error.message, true);
  }
  refresh();
}

function iso(epoch) {
  return new Date(epoch * 1000).toISOString().replace(/\.\d+Z$/, "Z");
}

function span(seconds) {
  const sign = seconds < 0 ? "-" : "+";
  let rest = Math.round(Math.abs(seconds));
  let out = "";
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]]) {
    if (rest >= size) { out += Math.floor(rest / size) + unit; rest %= size; }
  }
  return sign + (out || "0s");
}

function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

// -- clock ------------------------------------------------------------------------------

function drawClock(clock) {
  $("clock-now").textContent = clock.now;
  $("clock-offset").textContent = span(clock.offset_seconds);
  $("clock-frozen").textContent = clock.frozen ? "yes" : "no";
  $("clock-scale").textContent = String(clock.time_scale);
}

document.querySelectorAll("[data-advance]").forEach((button) => {
  button.addEventListener("click", () => control("POST", "/_mock/clock/advance",
    { by: button.dataset.advance }, `advanced ${button.dataset.advance}`));
});
$("advance-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const by = $("advance-by").value.trim();
  control("POST", "/_mock/clock/advance", { by: /^\d+(\.\d+)?$/.test(by) ? Number(by) : by }, `advanced ${by}`);
});
$("freeze").addEventListener("click", () => control("POST", "/_mock/clock/freeze", null, "clock frozen"));
$("unfreeze").addEventListener("click", () => control("POST", "/_mock/clock/unfreeze", null, "clock running"));
$("scale-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const scale = Number($("scale").value);
  control("POST", "/_mock/clock/scale", { time_scale: scale }, `time scale ${scale}`);
});

// -- timeline ---------------------------------------------------------------------------

const legend = $("legend");
for (const [phase, color] of Object.entries(PHASE_COLORS)) {
  const item = text("span", phase);
  item.style.setProperty("--swatch", `var(${color})`);
  legend.appendChild(item);
}
const windowSelect = document.createElement("select");
windowSelect.id = "timeline-window";
windowSelect.setAttribute("aria-label", "timeline window");
for (const [label, seconds] of [["last minute", 60], ["last 10 minutes", 600], ["last hour", 3600],
                                ["last day", 86400], ["last 30 days", 2592000]]) {
  const option = text("option", label);
  option.value = String(seconds);
  if (seconds === state.timelineWindow) option.selected = true;
  windowSelect.appendChild(option);
}
windowSelect.addEventListener("change", () => { state.timelineWindow = Number(windowSelect.value); refresh(); });
legend.appendChild(windowSelect);

function drawTimeline(data) {
  const box = $("timeline");
  const now = data.now;
  const from = now - state.timelineWindow;
  const shown = data.items.filter((item) =>
    item.segments.some((s) => s.end >= from) || item.segments.length === 0 && item.created >= from);
  box.replaceChildren();
  const axis = document.createElement("div");
  axis.className = "axis";
  axis.append(text("span", iso(from)), text("span", "now " + iso(now)));
  box.appendChild(axis);
  if (!shown.length) {
    box.appendChild(text("p", `nothing in this window (${data.items.length} older)`, "empty"));
    return;
  }
  for (const item of shown) {
    const row = document.createElement("div");
    row.className = "trow";
    row.dataset.id = item.id;
    row.dataset.kind = item.kind;
    const label = document.createElement("div");
    label.className = "tlabel";
    label.title = `${item.kind} ${item.id}`;
    label.append(text("span", item.kind + " ", "kind"), text("strong", `${item.project}/${item.name}`));
    const track = document.createElement("div");
    track.className = "track";
    for (const seg of item.segments) {
      if (seg.end < from) continue;
      const start = Math.max(seg.start, from);
      const bar = document.createElement("div");
      bar.className = "seg";
      bar.dataset.phase = seg.phase;
      bar.title = `${seg.phase}: ${iso(seg.start)} → ${iso(seg.end)}`;
      bar.style.left = `${((start - from) / state.timelineWindow) * 100}%`;
      bar.style.width = `${((seg.end - start) / state.timelineWindow) * 100}%`;
      bar.style.background = `var(${PHASE_COLORS[seg.phase] || "--muted"})`;
      track.appendChild(bar);
    }
    const status = text("span", item.status, "status");
    if (BAD.test(item.status)) status.classList.add("bad");
    else if (GOOD.test(item.status)) status.classList.add("good");
    row.append(label, track, status);
    box.appendChild(row);
  }
}

// -- journal ------------------------------------------------------------------------------

function journalMatches(entry) {
  const needle = $("filter-text").value.trim().toLowerCase();
  const method = $("filter-method").value;
  const status = $("filter-status").value;
  if (method && entry.method !== method) return false;
  if (status && String(entry.status)[0] !== status) return false;
  if (!needle) return true;
  return [entry.path, entry.operation_id || "", entry.caller || ""].some((v) => v.toLowerCase().includes(needle));
}

function drawJournal() {
  const body = $("journal").tBodies[0];
  body.replaceChildren();
  const rows = state.journal.filter(journalMatches).slice(-300).reverse();
  for (const e of rows) {
    const tr = document.createElement("tr");
    tr.className = `s${String(e.status)[0]}`;
    tr.dataset.id = e.id;
    tr.append(text("td", e.id), text("td", iso(e.time).slice(11)), text("td", e.method),
      text("td", e.path + (e.query ? "?" + e.query : ""), "path"), text("td", e.operation_id || ""),
      text("td", e.caller || ""), text("td", e.status, "st"), text("td", e.duration_ms.toFixed(1)));
    body.appendChild(tr);
  }
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = text("td", state.journal.length ? "no call matches the filter" : "no calls yet", "empty");
    td.colSpan = 8;
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

for (const id of ["filter-text", "filter-method", "filter-status"]) {
  $(id).addEventListener("input", drawJournal);
}
$("journal-clear").addEventListener("click", async () => {
  await control("DELETE", "/_mock/journal", null, "journal cleared");
});

// -- faults, outcomes, coverage ------------------------------------------------------------

function drawList(id, items, describe, empty) {
  const list = $(id);
  list.replaceChildren();
  if (!items.length) list.appendChild(text("li", empty, "empty"));
  for (const item of items) list.appendChild(text("li", describe(item)));
}

function describeFault(f) {
  const target = [f.method, f.operation_id, f.path].filter(Boolean).join(" ") || "every call";
  const how = f.count != null ? `next ${f.count}` : f.rate != null ? `${Math.round(f.rate * 100)}% of` : "all";
  const what = f.status ? `${f.status} "${f.message}"` : "no error";
  return `${f.id}: ${how} ${target} → ${what}${f.delay ? `, after ${f.delay}s` : ""}`;
}

function describeOutcome(o) {
  const phases = ["scheduling", "starting", "running", "stopping"].filter((p) => o[p] != null)
    .map((p) => `${p} ${o[p]}s`).join(", ");
  const target = o.kind ? `${o.kind} ${o.id || o.target || ""}` : JSON.stringify(o);
  return `${target}: ${o.outcome || "default outcome"}${phases ? ` (${phases})` : ""}`;
}

function drawCoverage(c) {
  const { total, implemented } = c.counts;
  $("coverage-count").textContent = `${implemented} of ${total} operations implemented (${Math.round(100 * implemented / total)}%)`;
  $("coverage-bar").style.width = `${(100 * implemented / total).toFixed(1)}%`;
  drawList("unimplemented", c.unimplemented, (op) => op, "none");
}

// -- polling -----------------------------------------------------------------------------------

async function refresh() {
  if (state.busy) return;
  state.busy = true;
  try {
    const [clock, timeline, journal, faults, outcomes] = await Promise.all([
      call("GET", "/_mock/clock"), call("GET", "/_mock/timeline"),
      call("GET", `/_mock/journal?after=${state.lastJournalId}`),
      call("GET", "/_mock/faults"), call("GET", "/_mock/outcomes"),
    ]);
    drawClock(clock);
    drawTimeline(timeline);
    if (journal.entries.length && journal.entries[0].id <= state.lastJournalId) state.journal = [];
    if (journal.entries.length) {
      state.journal = state.journal.concat(journal.entries).slice(-2000);
      state.lastJournalId = journal.entries[journal.entries.length - 1].id;
    }
    drawJournal();
    drawList("faults", faults.faults, describeFault, "no active faults");
    drawList("outcomes", outcomes.queued || [], describeOutcome, "nothing queued");
    document.body.dataset.loaded = "true";
  } catch (error) {
    notice(`refresh failed: ${error.message}`, true);
  } finally {
    state.busy = false;
  }
}

call("GET", "/_mock/coverage").then(drawCoverage).catch((error) => notice(error.message, true));
refresh();
setInterval(refresh, 1000);
