import { api, signedIn, table, pounds, whole, names, orgLabel, el, clear, showError, notice, date, words, tag,
  errorSummary, param } from "/static/js/common.js";

const problems = document.getElementById("problems");

function stageTag(d) {
  if (d.stage === "closed") return tag(`closed: ${d.outcome || ""}`, "grey");
  return tag(words(d.stage), d.overdue ? "red" : "blue");
}

async function showList() {
  const list = await api("/ledger/disputes");
  const known = await names(list.flatMap((d) => [d.supplier, d.purchaser, d.referee]));
  const open = list.filter((d) => d.stage !== "closed");
  clear(document.getElementById("list"), list.length === 0 ? notice("No disputes.") : [
    el("p", {}, `${open.length} open, ${open.filter((d) => d.overdue).length} past their stage deadline, ${list.length - open.length} closed.`),
    table("Disputes, newest first", [
      { label: "Dispute", value: (d) => el("a", { href: `/dispute?id=${d.id}` }, `Dispute ${d.id}`) },
      { label: "Period", value: (d) => d.period },
      { label: "Supplier", value: (d) => orgLabel(d.supplier, known) },
      { label: "Purchaser", value: (d) => orgLabel(d.purchaser, known) },
      { label: "Amount", num: true, value: (d) => pounds(d.amount) },
      { label: "Stage", value: stageTag },
      { label: "Deadline", value: (d) => d.deadline_on ? date(d.deadline_on) + (d.overdue ? ` (${whole(d.working_days_overdue)} working days late)` : "") : "-" },
      { label: "Opened", value: (d) => date(d.opened_on) },
    ], [...list].sort((a, b) => b.id - a.id)),
  ]);
}

function field(id, label, input, hint) {
  return el("div", { class: "nhsuk-form-group" },
    el("label", { class: "nhsuk-label", for: id }, label),
    hint ? el("div", { class: "nhsuk-hint", id: id + "-hint" }, hint) : null, input);
}

// Opening a dispute, as the signed-in organisation (a finance user), from "Raise a dispute" on the agree page.
function newForm(me) {
  const v = (name) => param(name) || "";
  const form = el("form", { novalidate: true },
    el("h2", { class: "nhsuk-heading-m" }, "Raise a dispute"),
    field("d-period", "Period", el("input", { class: "nhsuk-input nhsuk-input--width-10", id: "d-period", name: "period", value: v("period") })),
    field("d-supplier", "Supplier (ODS code)", el("input", { class: "nhsuk-input nhsuk-input--width-5", id: "d-supplier", name: "supplier", value: v("supplier") })),
    field("d-purchaser", "Purchaser (ODS code)", el("input", { class: "nhsuk-input nhsuk-input--width-5", id: "d-purchaser", name: "purchaser", value: v("purchaser") })),
    field("d-kind", "Kind", el("select", { class: "nhsuk-select", id: "d-kind", name: "kind" },
      el("option", { value: "rp", selected: v("kind") !== "ie" }, "Receivables and payables"),
      el("option", { value: "ie", selected: v("kind") === "ie" }, "Income and expenditure"))),
    field("d-amount", "Amount in dispute, pounds", el("input", { class: "nhsuk-input nhsuk-input--width-10", id: "d-amount", name: "amount",
      inputmode: "decimal", value: v("amount") })),
    field("d-description", "What is in dispute", el("textarea", { class: "nhsuk-textarea", id: "d-description", name: "description", rows: "3" })),
    el("button", { class: "nhsuk-button", type: "submit" }, `Raise the dispute as ${me.org}`));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const d = await api("/ledger/disputes", { method: "POST", json: {
        period: form.period.value.trim(), supplier: form.supplier.value.trim(), purchaser: form.purchaser.value.trim(),
        kind: form.kind.value, amount: form.amount.value.trim(), description: form.description.value || undefined } });
      location.assign(`/dispute?id=${(Array.isArray(d) ? d[0] : d).id}`);
    } catch (e) {
      clear(problems, errorSummary("There is a problem", [{ text: e.message, href: "#d-period" }]));
      problems.firstChild.focus();
    }
  });
  clear(document.getElementById("new-dispute"), el("div", { class: "nhsuk-card" }, el("div", { class: "nhsuk-card__content" }, form)));
}

try {
  const me = await signedIn();
  if (param("new") && me.role === "finance") newForm(me);
  await showList();
} catch (e) {
  if (e.status !== 401) showError(problems, e);
}
