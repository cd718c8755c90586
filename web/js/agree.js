import { api, signedIn, choosePeriod, table, pounds, names, orgLabel, el, clear, showError, notice, date, words,
  tag, errorSummary } from "/static/js/common.js";

const problems = document.getElementById("problems");
let me;

const STATUS = {
  mismatch: ["Must agree", "red"],
  disputed: ["In dispute", "orange"],
  below_threshold: ["Below threshold", "grey"],
  agreed: ["Agreed", "green"],
};

async function show(period) {
  clear(problems);
  const match = await api("/ledger/match?period=" + encodeURIComponent(period));
  const mine = match.comparisons.filter((c) => (c.supplier === me.org || c.purchaser === me.org));
  const todo = mine.filter((c) => c.status === "mismatch" || c.status === "disputed");
  const known = await names(mine.flatMap((c) => [c.supplier, c.purchaser]));
  let tracker = null;
  try {
    tracker = await api("/ledger/exercise?period=" + encodeURIComponent(period));
  } catch (e) {
    if (e.status !== 400) throw e;   // a period without an exercise has no tracker
  }
  const ex = document.getElementById("exercise");
  if (tracker) {
    const row = tracker.organisations.find((o) => o.org === me.org);
    const items = [];
    if (row) {
      items.push(el("li", {}, "Your statement: ", tag(words(row.status), row.status.startsWith("submitted") ? "green" : "red"),
        row.submitted_on ? ` (version ${row.version}, received ${date(row.submitted_on)})` : ""));
      if (row.statements_awaited) items.push(el("li", {}, `${row.statements_awaited} counterparty statements still awaited`));
      if (row.unexplained) items.push(el("li", {}, `${row.unexplained} differences without your explanation`));
    }
    clear(ex, el("div", { class: "nhsuk-card" }, el("div", { class: "nhsuk-card__content" },
      el("h2", { class: "nhsuk-card__heading nhsuk-heading-m" }, `The ${period} exercise`),
      el("p", {}, `Submissions are due by ${date(tracker.deadlines.submissions)}; agreement by ${date(tracker.deadlines.agreement)}.`),
      el("ul", {}, items))));
  } else {
    clear(ex);
  }
  const total = todo.reduce((s, c) => s + Math.round(Math.abs(Number(c.adjusted_mismatch)) * 100), 0) / 100;
  document.getElementById("lead").textContent = todo.length
    ? `${me.org_name || me.org} has ${todo.length} balance${todo.length === 1 ? "" : "s"} still to agree in ${period}, ${pounds(total)} in all.`
    : `${me.org_name || me.org} has nothing left to agree in ${period}.`;
  const other = (c) => (c.supplier === me.org ? c.purchaser : c.supplier);
  const mayExplain = me.role === "finance";
  clear(document.getElementById("mismatches"), mine.length === 0 ? notice("No balances with your organisation in this period.") :
    table("Your balances with each counterparty", [
      { label: "Counterparty", value: (c) => orgLabel(other(c), known) },
      { label: "Kind", value: (c) => (c.kind === "rp" ? "receivables and payables" : "income and expenditure") },
      { label: "Supplier says", num: true, value: (c) => pounds(c.supplier_total) },
      { label: "Purchaser says", num: true, value: (c) => pounds(c.purchaser_total) },
      { label: "Difference left", num: true, value: (c) => pounds(c.adjusted_mismatch) },
      { label: "Status", value: (c) => tag(...(STATUS[c.status] || [c.status])) },
      { label: "Explanations", value: (c) => [c.supplier_explanation, c.purchaser_explanation].filter(Boolean)
        .map((x) => `${words(x.reason || x)}${x.note ? ": " + x.note : ""}`).join("; ") || "-" },
      { label: "Action", value: (c) => c.dispute ? el("a", { href: `/dispute?id=${c.dispute}` }, `See dispute ${c.dispute}`)
        : !mayExplain || Number(c.adjusted_mismatch) === 0 ? "-" :
        [el("button", { class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small", type: "button",
          onclick: () => explainForm(c, known) }, "Explain"), " ",
         el("a", { href: `/disputes?new=1&period=${encodeURIComponent(c.period)}&supplier=${c.supplier}&purchaser=${c.purchaser}`
           + `&kind=${c.kind}&amount=${Math.abs(Number(c.adjusted_mismatch)).toFixed(2)}` }, "Raise a dispute")] },
    ], mine, { rowClass: (c) => (c.status === "mismatch" ? "ics-row--error" : "") }));
}

const REASONS = [["timing_difference", "Timing difference"], ["disputed", "Disputed"],
  ["accrual_not_invoiced", "Accrued, not yet invoiced"], ["cut_off", "Cut-off"], ["vat", "VAT"], ["other", "Other (say what)"]];

function explainForm(c, known) {
  const panel = document.getElementById("explain-panel");
  const other = c.supplier === me.org ? c.purchaser : c.supplier;
  const form = el("form", { novalidate: true },
    el("h2", { class: "nhsuk-heading-m", id: "explain-heading", tabindex: "-1" },
      `Explain the difference with ${orgLabel(other, known)}`),
    el("p", {}, `${pounds(c.adjusted_mismatch)} on ${c.kind === "rp" ? "receivables and payables" : "income and expenditure"}.`),
    el("div", { class: "nhsuk-form-group" },
      el("label", { class: "nhsuk-label", for: "reason" }, "Why is there a difference?"),
      el("select", { class: "nhsuk-select", id: "reason", name: "reason" }, REASONS.map(([v, t]) => el("option", { value: v }, t)))),
    el("div", { class: "nhsuk-form-group" },
      el("label", { class: "nhsuk-label", for: "note" }, "Note for your counterparty (needed for Other)"),
      el("textarea", { class: "nhsuk-textarea", id: "note", name: "note", rows: "3" })),
    el("button", { class: "nhsuk-button", type: "submit" }, "Save the explanation"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/ledger/mismatches/${encodeURIComponent(c.id)}/explanation`, { method: "POST",
        json: { reason: form.reason.value, note: form.note.value || undefined } });
      panel.classList.add("ics-hidden");
      await show(c.period);
    } catch (e) {
      clear(problems, errorSummary("There is a problem", [{ text: e.message, href: "#reason" }]));
      problems.firstChild.focus();
    }
  });
  clear(panel, form);
  panel.classList.remove("ics-hidden");
  document.getElementById("explain-heading").focus();
}

try {
  me = await signedIn();
  const period = await choosePeriod((p) => show(p).catch((e) => showError(problems, e)));
  if (period) await show(period);
  else clear(document.getElementById("mismatches"), notice("No periods have statements yet."));
} catch (e) {
  if (e.status !== 401) showError(problems, e);
}
