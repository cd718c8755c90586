// What every page of the dashboard shares: calls to the JSON API (docs/api.md) with the session cookie and
// the CSRF token, the signed-in user in the header, and building the page's elements without ever parsing
// data as HTML (every value goes in as text).
import { initAll } from "/static/nhsuk-frontend.min.js";

document.body.classList.add("nhsuk-frontend-supported");
initAll();

const CSRF_KEY = "ics.csrf";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `the server answered ${status}`);
    this.status = status;
    this.body = body;
  }
}

// fetch one API answer: JSON in, JSON out (text for CSV); a 401 goes to the sign-in page.
export async function api(path, { method = "GET", json, text, contentType, raw = false, signIn = true } = {}) {
  const headers = {};
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (text !== undefined) {
    headers["Content-Type"] = contentType || "text/csv";
    body = text;
  }
  if (method !== "GET") {
    const csrf = sessionStorage.getItem(CSRF_KEY);
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  const r = await fetch("/api/v1" + path, { method, headers, body, credentials: "same-origin" });
  if (r.status === 401 && signIn) {
    const next = location.pathname + location.search;
    location.assign("/signin?next=" + encodeURIComponent(next));
    throw new ApiError(401, null);
  }
  const type = r.headers.get("Content-Type") || "";
  const answer = type.startsWith("application/json") ? await r.json() : await r.text();
  if (!r.ok && !raw) throw new ApiError(r.status, answer);
  return raw ? { status: r.status, body: answer } : answer;
}

export function rememberCsrf(token) {
  sessionStorage.setItem(CSRF_KEY, token);
}

// el("td", {class: "x"}, "text", child): an element with attributes and children (strings become text).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function clear(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
}

// Pounds as finance teams write them: £1,234,567.89 (the API's amounts are pounds with two decimals).
export function pounds(v, { pence = true } = {}) {
  if (v === null || v === undefined) return "-";
  const n = Number(v);
  const s = Math.abs(n).toLocaleString("en-GB", {
    minimumFractionDigits: pence ? 2 : 0,
    maximumFractionDigits: pence ? 2 : 0,
  });
  return (n < 0 ? "-£" : "£") + s;
}

export function whole(v) {
  if (v === null || v === undefined || v === "") return "-";
  const n = Number(v);
  return Number.isFinite(n) ? n.toLocaleString("en-GB", { maximumFractionDigits: 0 }) : String(v);
}

// "1 dispute", "3 disputes": count(n, "dispute") (plural as given, or word + "s").
export function count(n, word, plural) {
  return `${whole(n)} ${Number(n) === 1 ? word : plural || word + "s"}`;
}

export function date(iso) {
  if (!iso) return "-";
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", {
    day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  });
}

export function words(snake) {
  return String(snake || "").replaceAll("_", " ");
}

export function tag(text, colour) {
  return el("strong", { class: "nhsuk-tag" + (colour ? " nhsuk-tag--" + colour : "") }, text);
}

// A table in the NHS.UK style: columns [{label, value(row), num}] and rows; it scrolls sideways when narrow.
export function table(caption, columns, rows, { rowClass } = {}) {
  const head = el("thead", { class: "nhsuk-table__head" },
    el("tr", { class: "nhsuk-table__row" },
      columns.map((c) => el("th", { class: "nhsuk-table__header" + (c.num ? " nhsuk-table__header--numeric" : ""),
        scope: "col" }, c.label))));
  const body = el("tbody", { class: "nhsuk-table__body" },
    rows.map((r) => el("tr", { class: "nhsuk-table__row" + (rowClass ? " " + (rowClass(r) || "") : "") },
      columns.map((c, i) => el(i === 0 ? "th" : "td",
        { class: (i === 0 ? "nhsuk-table__header" : "nhsuk-table__cell") + (c.num ? " ics-num" : ""),
          scope: i === 0 ? "row" : null }, c.value(r))))));
  return el("div", { class: "ics-scroll", tabindex: "0", role: "region", "aria-label": caption },
    el("table", { class: "nhsuk-table" }, el("caption", { class: "nhsuk-table__caption" }, caption), head, body));
}

export function errorSummary(title, items) {
  const box = el("div", { class: "nhsuk-error-summary", "aria-labelledby": "error-summary-title", role: "alert",
    tabindex: "-1" },
    el("h2", { class: "nhsuk-error-summary__title", id: "error-summary-title" }, title),
    el("div", { class: "nhsuk-error-summary__body" },
      el("ul", { class: "nhsuk-list nhsuk-error-summary__list" },
        items.map((it) => el("li", {}, it.href ? el("a", { href: it.href }, it.text) : it.text)))));
  return box;
}

export function notice(text) {
  return el("div", { class: "nhsuk-inset-text" }, el("span", { class: "nhsuk-u-visually-hidden" }, "Information: "),
    el("p", {}, text));
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

// The period the page shows: ?period=, else the newest the caller can see. Fills a <select id="period">.
export async function choosePeriod(onChange) {
  const { periods } = await api("/ledger/periods");
  const wanted = param("period");
  const period = periods.includes(wanted) ? wanted : periods[0];
  const select = document.getElementById("period");
  if (select) {
    clear(select, periods.map((p) => el("option", { value: p, selected: p === period }, p)));
    select.addEventListener("change", () => {
      const u = new URL(location.href);
      u.searchParams.set("period", select.value);
      history.replaceState(null, "", u);
      onChange(select.value);
    });
  }
  return period;
}

// The signed-in user, shown in the header with a sign-out button; the page's own link is marked current.
export async function signedIn() {
  const me = await api("/me");
  document.getElementById("account-name").textContent = me.user;
  document.getElementById("account-org").textContent = `${me.org_name || me.org} (${me.org}), ${me.role}`;
  document.getElementById("account").classList.remove("ics-hidden");
  document.getElementById("menu").classList.remove("ics-hidden");
  const page = document.body.dataset.page;
  for (const a of document.querySelectorAll("[data-nav]"))
    if (a.dataset.nav === page) a.setAttribute("aria-current", "page");
  document.getElementById("sign-out").addEventListener("click", async () => {
    try { await api("/logout", { method: "POST", signIn: false }); } catch (e) { /* gone already */ }
    sessionStorage.removeItem(CSRF_KEY);
    location.assign("/signin");
  });
  return me;
}

export function showError(where, e) {
  clear(where, errorSummary("There is a problem", [{ text: e.message }]));
  where.querySelector(".nhsuk-error-summary").focus();
}

// Names for organisation codes, asked for once per page: names(["RVR", "QWE"]) -> {RVR: "Epsom ...", ...}.
const nameCache = {};
export async function names(codes) {
  const want = [...new Set(codes.filter((c) => c && !(c in nameCache)))];
  for (let i = 0; i < want.length; i += 200) {
    const got = await api("/organisations?codes=" + encodeURIComponent(want.slice(i, i + 200).join(",")));
    Object.assign(nameCache, got);
    for (const c of want.slice(i, i + 200)) if (!(c in nameCache)) nameCache[c] = null;
  }
  return nameCache;
}

// "Epsom And St Helier ... (RVR)", or the code alone when ics has no name for it.
export function orgLabel(code, known) {
  const n = known[code];
  return n ? `${n} (${code})` : code;
}
