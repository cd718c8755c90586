import { api, signedIn, choosePeriod, pounds, whole, count, names, orgLabel, el, clear, showError, notice, date }
  from "/static/js/common.js";

const problems = document.getElementById("problems");

function bigNumber(value, label) {
  return el("div", { class: "nhsuk-grid-column-one-third" },
    el("p", { class: "ics-big-number" }, value), el("p", { class: "nhsuk-body-s" }, label));
}

async function show(me, period) {
  const board = await api("/ledger/board?period=" + encodeURIComponent(period));
  const known = await names(board.organisations.map((o) => o.org));
  const mine = board.organisations.find((o) => o.org === me.org);
  if (mine) {
    const todo = mine.must_agree + mine.statements_required + mine.unexplained;
    clear(document.getElementById("mine"),
      el("h2", { class: "nhsuk-heading-m" }, `${orgLabel(me.org, known)}, ${period}, as at ${date(board.as_of)}`),
      el("div", { class: "nhsuk-grid-row" },
        bigNumber(pounds(mine.must_agree_value, { pence: false }), `to agree, in ${count(mine.must_agree, "comparison")}`),
        bigNumber(whole(mine.open_disputes), `${Number(mine.open_disputes) === 1 ? "dispute" : "disputes"} open, ${whole(mine.overdue_disputes)} past the stage deadline`),
        bigNumber(whole(mine.statements_required), `${Number(mine.statements_required) === 1 ? "statement" : "statements"} still to send`)),
      todo === 0 ? notice("Nothing is waiting on your organisation for this period.")
        : el("p", { class: "nhsuk-body" }, el("a", { href: "/agree?period=" + encodeURIComponent(period) },
          "See each counterparty and what to do")));
  } else {
    clear(document.getElementById("mine"), notice(`${me.org} has nothing to agree in ${period}.`));
  }
  const unresolved = board.pairs.reduce((s, p) => s + Math.round(Number(p.unresolved) * 100), 0) / 100;
  const open = board.pairs.filter((p) => p.to_agree > 0 || p.open_disputes > 0).length;
  clear(document.getElementById("system"), el("h2", { class: "nhsuk-heading-m" }, "Across the system"),
    el("p", { class: "nhsuk-body" }, `${pounds(unresolved, { pence: false })} is unresolved between ${whole(open)} of `
      + `${whole(board.pairs.length)} pairs of organisations, with `
      + `${count(board.pairs.reduce((s, p) => s + p.open_disputes, 0), "dispute")} open.`));
}

try {
  const me = await signedIn();
  const period = await choosePeriod((p) => show(me, p).catch((e) => showError(problems, e)));
  if (period) await show(me, period);
  else clear(document.getElementById("mine"), notice("No statements have been sent yet: start by uploading one."),
    el("p", { class: "nhsuk-body" }, el("a", { href: "/upload" }, "Upload a statement")));
} catch (e) {
  if (e.status !== 401) showError(problems, e);
}
