import { api, signedIn, param, el, clear, table, pounds, whole, errorSummary, showError } from "/static/js/common.js";

const problems = document.getElementById("problems");
const result = document.getElementById("result");
const form = document.getElementById("upload-form");
const periodInput = document.getElementById("period");

// A statement line as its cells; quoted fields kept whole (this only shows the rows, the server reads them).
function cells(line) {
  const out = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { out.push(cur); cur = ""; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

// The rows the server refused, each beside its problems, so the sender sees what to fix in their file.
function showProblems(text, message, list) {
  const lines = text.split(/\r?\n/);
  const byLine = new Map();
  for (const p of list) {
    if (!byLine.has(p.line)) byLine.set(p.line, []);
    byLine.get(p.line).push(p);
  }
  const header = cells(lines[0] || "");
  const rows = [...byLine.keys()].sort((a, b) => a - b).slice(0, 500).map((n) => ({ n, cells: cells(lines[n - 1] || ""),
    problems: byLine.get(n) }));
  const columns = [{ label: "Line", num: true, value: (r) => r.n }]
    .concat(header.map((h, i) => ({ label: h || `column ${i + 1}`, value: (r) => r.cells[i] ?? "" })))
    .concat([{ label: "What is wrong", value: (r) => r.problems.map((p) =>
      el("span", { class: "nhsuk-error-message" }, `column ${p.column} (${header[p.column - 1] || "?"}): ${p.reason}`)) }]);
  clear(problems, errorSummary("The statement was not taken", [{ text: message },
    { text: `${list.length} problem${list.length === 1 ? "" : "s"} on ${byLine.size} line${byLine.size === 1 ? "" : "s"}; `
      + "nothing was stored. Correct the file and send it again.", href: "#bad-rows" }]));
  problems.querySelector(".nhsuk-error-summary").focus();
  clear(result, el("h2", { class: "nhsuk-heading-m", id: "bad-rows" }, "The lines to correct"),
    table(byLine.size > rows.length ? `The first ${rows.length} lines to correct` : "The lines to correct",
      columns, rows, { rowClass: () => "ics-row--error" }));
}

function showStored(s) {
  const t = s.totals;
  clear(problems);
  clear(result, el("div", { class: "nhsuk-panel" },
    el("h2", { class: "nhsuk-panel__title" }, s.unchanged ? "Already held: nothing changed" : "Statement stored"),
    el("div", { class: "nhsuk-panel__body" },
      `${s.org} ${s.period} version ${s.version}: ${whole(s.lines)} lines; receivable ${pounds(t.receivable)}, `
      + `payable ${pounds(t.payable)}, income ${pounds(t.income)}, expenditure ${pounds(t.expenditure)}.`)),
    el("p", { class: "nhsuk-body" }, el("a", { href: "/agree?period=" + encodeURIComponent(s.period) },
      "See what you must still agree for " + s.period)));
}

try {
  await signedIn();
  periodInput.value = param("period") || "";
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const period = periodInput.value.trim();
    const file = document.getElementById("file").files[0];
    const missing = [];
    if (!/^\d{4}-\d{2}-M(0[1-9]|1[0-2])$/.test(period))
      missing.push({ text: "Enter the period as year and month, for example 2022-23-M12", href: "#period" });
    if (!file) missing.push({ text: "Choose the statement file to send", href: "#file" });
    if (missing.length) {
      clear(problems, errorSummary("There is a problem", missing));
      problems.querySelector(".nhsuk-error-summary").focus();
      return;
    }
    const text = await file.text();
    const sent = await api("/ledger/statements?period=" + encodeURIComponent(period),
      { method: "POST", text, contentType: "text/csv", raw: true });
    if (sent.status === 200 || sent.status === 201) showStored(sent.body);
    else if (sent.body && sent.body.error && sent.body.error.problems)
      showProblems(text, sent.body.error.message, sent.body.error.problems);
    else showError(problems, { message: (sent.body && sent.body.error && sent.body.error.message)
      || `the server answered ${sent.status}` });
  });
} catch (e) {
  if (e.status !== 401) showError(problems, e);
}
