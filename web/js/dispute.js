import { api, signedIn, pounds, whole, names, orgLabel, el, clear, showError, date, words, tag, errorSummary, param,
  table } from "/static/js/common.js";

const problems = document.getElementById("problems");
const id = param("id");
const STAGES = ["local_negotiation", "executive_escalation", "mediation", "determination"];

function row(key, value) {
  return el("div", { class: "nhsuk-summary-list__row" },
    el("dt", { class: "nhsuk-summary-list__key" }, key), el("dd", { class: "nhsuk-summary-list__value" }, value));
}

function group(id, label, input, hint) {
  return el("div", { class: "nhsuk-form-group" }, el("label", { class: "nhsuk-label", for: id }, label),
    hint ? el("div", { class: "nhsuk-hint" }, hint) : null, input);
}

// One form per action the server says this viewer may take now (the "may" list); no other buttons are drawn.
function actionForm(d, action, known) {
  const next = STAGES[STAGES.indexOf(d.stage) + 1];
  const parts = {
    offer: () => ["Make an offer", "The sum your organisation would settle at; your latest offer is your final one.",
      [group("amount", "Offer, pounds", el("input", { class: "nhsuk-input nhsuk-input--width-10", id: "amount", name: "amount", inputmode: "decimal" }))]],
    escalate: () => [`Escalate to ${words(next)}`, next === "determination"
      ? "The referee will award one side's final offer whole (pendulum determination)." : "Moves the dispute one stage on.",
      next === "determination" ? [group("referee", "Referee (ODS code)", el("input", { class: "nhsuk-input nhsuk-input--width-5", id: "referee", name: "referee", value: d.referee || "" }))] : []],
    close: () => ["Close the dispute", "Agreed at a sum, or withdrawn.",
      [group("outcome", "Outcome", el("select", { class: "nhsuk-select", id: "outcome", name: "outcome" },
        el("option", { value: "agreed" }, "Agreed"), el("option", { value: "withdrawn" }, "Withdrawn"))),
       group("amount", "Agreed sum, pounds (if agreed at a sum)", el("input", { class: "nhsuk-input nhsuk-input--width-10", id: "amount", name: "amount", inputmode: "decimal" }))]],
    determine: () => ["Determine", "Award one party's final offer, whole.",
      [el("div", { class: "nhsuk-form-group" }, el("fieldset", { class: "nhsuk-fieldset" },
        el("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" }, "Award to"),
        el("div", { class: "nhsuk-radios" }, [d.supplier, d.purchaser].map((p, i) => el("div", { class: "nhsuk-radios__item" },
          el("input", { class: "nhsuk-radios__input", id: "award-" + i, name: "award_to", type: "radio", value: p, checked: i === 0 }),
          el("label", { class: "nhsuk-label nhsuk-radios__label", for: "award-" + i },
            `${orgLabel(p, known)}: final offer ${pounds(p === d.supplier ? d.supplier_offer : d.purchaser_offer)}`))))))]],
  };
  const [title, hint, fields] = parts[action]();
  const form = el("form", { novalidate: true, "data-action": action },
    el("h3", { class: "nhsuk-heading-s" }, title), el("p", { class: "nhsuk-hint" }, hint), fields,
    group("note-" + action, "Note (optional)", el("input", { class: "nhsuk-input", id: "note-" + action, name: "note" })),
    el("button", { class: "nhsuk-button" + (action === "close" ? " nhsuk-button--secondary" : ""), type: "submit" }, title));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { note: form.note.value || undefined };
    if (form.amount && form.amount.value.trim()) body.amount = form.amount.value.trim();
    if (form.referee && form.referee.value.trim()) body.referee = form.referee.value.trim();
    if (form.outcome) body.outcome = form.outcome.value;
    if (action === "determine") body.award_to = form.querySelector("input[name=award_to]:checked").value;
    try {
      await api(`/ledger/disputes/${encodeURIComponent(id)}/${action}`, { method: "POST", json: body });
      await show();
    } catch (e) {
      clear(problems, errorSummary("There is a problem", [{ text: e.message }]));
      problems.firstChild.focus();
    }
  });
  return el("div", { class: "nhsuk-card" }, el("div", { class: "nhsuk-card__content" }, form));
}

async function show() {
  clear(problems);
  const d = await api(`/ledger/disputes/${encodeURIComponent(id)}`);
  const known = await names([d.supplier, d.purchaser, d.referee, d.raised_by, ...d.events.map((e) => e.actor)]);
  document.getElementById("heading").textContent = `Dispute ${d.id}: ${pounds(d.amount)} between ${d.supplier} and ${d.purchaser}`;
  document.title = `Dispute ${d.id} - ics`;
  clear(document.getElementById("facts"), el("dl", { class: "nhsuk-summary-list" },
    row("Stage", [d.stage === "closed" ? tag(`closed: ${d.outcome}`, "grey") : tag(words(d.stage), d.overdue ? "red" : "blue"),
      d.overdue ? ` ${whole(d.working_days_overdue)} working days past the deadline` : ""]),
    row("Period and kind", `${d.period}, ${d.kind === "rp" ? "receivables and payables" : "income and expenditure"}`),
    row("Supplier", orgLabel(d.supplier, known)),
    row("Purchaser", orgLabel(d.purchaser, known)),
    row("Raised by", orgLabel(d.raised_by, known)),
    row("Referee", d.referee ? orgLabel(d.referee, known) : "none named yet"),
    row("Stage deadline", d.deadline_on ? date(d.deadline_on) : "-"),
    row("Final offers", `supplier ${pounds(d.supplier_offer)}, purchaser ${pounds(d.purchaser_offer)}`),
    d.outcome ? row("Outcome", `${d.outcome}${d.awarded_to ? ", awarded to " + orgLabel(d.awarded_to, known) : ""}`
      + `${d.settled_amount !== null ? ", " + pounds(d.settled_amount) : ""} on ${date(d.closed_on)}`) : null,
    d.invoices ? row("Invoices", d.invoices) : null,
    d.description ? row("What is in dispute", d.description) : null));
  clear(document.getElementById("actions"), d.may.length === 0
    ? el("p", { class: "nhsuk-body" }, d.stage === "closed" ? "This dispute is closed." : "There is nothing for you to do on this dispute now.")
    : [el("h2", { class: "nhsuk-heading-m" }, "What you can do"), d.may.map((a) => actionForm(d, a, known))]);
  clear(document.getElementById("timeline"), table("Every action on this dispute, oldest first", [
    { label: "Date", value: (e) => date(e.on) },
    { label: "Action", value: (e) => words(e.action) },
    { label: "By", value: (e) => orgLabel(e.actor, known) },
    { label: "Stage after", value: (e) => words(e.stage) },
    { label: "Amount", num: true, value: (e) => (e.amount === null ? "-" : pounds(e.amount)) },
    { label: "Note", value: (e) => e.note || "-" },
  ], d.events));
}

try {
  await signedIn();
  await show();
} catch (e) {
  if (e.status !== 401) showError(problems, e);
}
