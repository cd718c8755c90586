import { api, signedIn, choosePeriod, table, pounds, whole, count, names, orgLabel, el, clear, showError, notice, date }
  from "/static/js/common.js";

const problems = document.getElementById("problems");

async function show(period) {
  const board = await api("/ledger/board?period=" + encodeURIComponent(period));
  const codes = board.pairs.flatMap((p) => [p.org_a, p.org_b]).concat(board.organisations.map((o) => o.org));
  const known = await names(codes);
  const open = board.pairs.filter((p) => p.to_agree > 0 || p.open_disputes > 0);
  const unresolved = board.pairs.reduce((s, p) => s + Math.round(Number(p.unresolved) * 100), 0) / 100;
  clear(document.getElementById("summary"),
    el("div", { class: "nhsuk-card" }, el("div", { class: "nhsuk-card__content" },
      el("h2", { class: "nhsuk-card__heading nhsuk-heading-m" }, `${period}, as at ${date(board.as_of)}`),
      el("p", { class: "nhsuk-card__description" },
        `${pounds(unresolved)} unresolved between ${open.length} of ${board.pairs.length} pairs; `
        + `${count(board.pairs.reduce((s, p) => s + p.open_disputes, 0), "dispute")} open, `
        + `${whole(board.pairs.reduce((s, p) => s + p.overdue_disputes, 0))} past the stage deadline.`))));
  if (board.pairs.length === 0) {
    clear(document.getElementById("pairs"), notice("No statements for this period yet."));
    clear(document.getElementById("organisations"));
    return;
  }
  clear(document.getElementById("pairs"), table("Pairs, most unresolved first", [
    { label: "Rank", value: (p) => p.rank },
    { label: "Between", value: (p) => [orgLabel(p.org_a, known), el("br"), "and ", orgLabel(p.org_b, known)] },
    { label: "Unresolved", num: true, value: (p) => pounds(p.unresolved) },
    { label: "Comparisons to agree", num: true, value: (p) => p.to_agree },
    { label: "Disputes open (overdue)", num: true, value: (p) => `${p.open_disputes} (${p.overdue_disputes})` },
    { label: "Disputed", num: true, value: (p) => pounds(p.disputed_value) },
    { label: "Oldest open item", value: (p) => p.oldest_open_item ? `${date(p.oldest_open_item)} (${whole(p.oldest_open_days)} days)` : "-" },
    { label: "Below threshold", num: true, value: (p) => pounds(p.below_threshold) },
    { label: "Explanations given", value: (p) => p.explanations || "none" },
  ], board.pairs));
  clear(document.getElementById("organisations"), el("h2", { class: "nhsuk-heading-m" }, "By organisation"),
    table("Organisations, what each must still do", [
      { label: "Organisation", value: (o) => orgLabel(o.org, known) },
      { label: "Comparisons to agree", num: true, value: (o) => o.must_agree },
      { label: "Value to agree", num: true, value: (o) => pounds(o.must_agree_value) },
      { label: "With", value: (o) => (o.counterparties || []).join(", ") || "-" },
      { label: "Statements to send", num: true, value: (o) => o.statements_required },
      { label: "Disputes open (overdue)", num: true, value: (o) => `${o.open_disputes} (${o.overdue_disputes})` },
      { label: "Differences not explained", num: true, value: (o) => o.unexplained },
    ], board.organisations));
}

try {
  await signedIn();
  const period = await choosePeriod((p) => show(p).catch((e) => showError(problems, e)));
  if (period) await show(period);
  else clear(document.getElementById("pairs"), notice("No periods have statements yet."));
} catch (e) {
  if (e.status !== 401) showError(problems, e);
}
