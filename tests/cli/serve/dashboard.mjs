// The dashboard driven in headless Chromium (tests/cli/serve/dashboard.sh starts the server):
// node dashboard.mjs BASE_URL PLAYWRIGHT_INDEX SHOTS_DIR. It prints what a user would read at each step;
// any console error, failed request or CSP violation on any page is printed too, so the golden file fails.
const [base, playwright, shots] = process.argv.slice(2);
const { chromium } = await import(playwright);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
// Today's date (the server dates what the browser does) reads as DATE, so the golden file holds for any day.
const today = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
// Stage deadlines count from today too: every date reads as DATE.
const say = (...a) => console.log(a.join(" ").split(today).join("DATE").replace(
  /\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/g, "DATE"));
const text = async (p, sel) => (await p.locator(sel).innerText()).replace(/\s+/g, " ").trim();
let shot = 0;

async function user(name, password, width = 1280) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const p = await ctx.newPage();
  // The first page, asked for before signing in, is meant to meet a 401 and go to the sign-in page:
  // errors count from that page on.
  let armed = false;
  p.on("console", (m) => { if (armed && m.type() === "error" && !m.text().startsWith("Failed to load resource")) say(`  console error (${name}): ${m.text()}`); });
  p.on("pageerror", (e) => armed && say(`  page error (${name}): ${e}`));
  p.on("requestfailed", (r) => armed && say(`  request failed (${name}): ${r.url()}`));
  // Answers of 400 and over are printed, but for the two the pages expect: a refused statement and the
  // exercise tracker of a period without an exercise.
  p.on("response", (r) => { if (armed && r.status() >= 400 && !/\/api\/v1\/ledger\/(statements|exercise)\?/.test(r.url())) say(`  ${r.status()} (${name}): ${r.url()}`); });
  await p.goto(base + "/agree");   // not signed in: sent to sign in, and back after it
  await p.waitForURL(/\/signin/);
  await p.waitForLoadState("networkidle");
  armed = true;
  say(`${name}: ${new URL(p.url()).pathname}${new URL(p.url()).search}`);
  await p.fill("#user", name);
  await p.fill("#password", password);
  await Promise.all([p.waitForURL(base + "/agree"), p.click("#sign-in-button")]);
  await p.waitForLoadState("networkidle");
  say(`  signed in: ${await text(p, "#account")}`);
  return p;
}
async function look(p, path, label) {
  await p.goto(base + path);
  await p.waitForLoadState("networkidle");
  if (shots) await p.screenshot({ path: `${shots}/${String(++shot).padStart(2, "0")}-${label}.png`, fullPage: true });
}

// A wrong password: the error summary, and no session.
{
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(base + "/signin");
  await p.fill("#user", "rj1");
  await p.fill("#password", "wrong");
  await p.click("#sign-in-button");
  await p.waitForSelector(".nhsuk-error-summary");
  say(`wrong password: ${await text(p, ".nhsuk-error-summary")}`);
  await ctx.close();
}

const rj1 = await user("rj1", "correct horse battery staple");
// A statement with two bad rows: each shown beside what is wrong; nothing stored.
await look(rj1, "/upload", "upload-empty");
await rj1.fill("#period", "2018-19-M12");
await rj1.setInputFiles("#file", "bad.csv");
await rj1.click("#send");
await rj1.waitForSelector("#bad-rows");
say(`  bad statement: ${await text(rj1, "#problems .nhsuk-error-summary__list")}`);
for (const row of await rj1.locator("#result tbody tr").all()) say(`    ${(await row.innerText()).replace(/\s+/g, " ")}`);
if (shots) await rj1.screenshot({ path: `${shots}/${String(++shot).padStart(2, "0")}-upload-refused.png`, fullPage: true });
await rj1.setInputFiles("#file", "RJ1.csv");
await rj1.click("#send");
await rj1.waitForSelector(".nhsuk-panel");
say(`  good statement: ${await text(rj1, ".nhsuk-panel")}`);
if (shots) await rj1.screenshot({ path: `${shots}/${String(++shot).padStart(2, "0")}-upload-stored.png`, fullPage: true });

const qkk = await user("qkk", "correct horse battery staple", 390);
await look(qkk, "/upload", "upload-phone");
await qkk.fill("#period", "2018-19-M12");
await qkk.setInputFiles("#file", "QKK.csv");
await qkk.click("#send");
await qkk.waitForSelector(".nhsuk-panel");
say(`  good statement: ${await text(qkk, ".nhsuk-panel")}`);
await look(qkk, "/agree", "agree-phone");
say(`  agree: ${await text(qkk, "h1 + p")}`);
for (const row of await qkk.locator("tbody tr").all()) say(`    ${(await row.innerText()).replace(/\s+/g, " ")}`);

// RJ1 raises a dispute over the income and expenditure, then both offer, escalate to a referee.
await look(rj1, "/disputes?new=1", "dispute-new");
await rj1.fill("#d-period", "2018-19-M12");
await rj1.fill("#d-supplier", "RJ1");
await rj1.fill("#d-purchaser", "QKK");
await rj1.selectOption("#d-kind", "ie");
await rj1.fill("#d-amount", "1000000.00");
await Promise.all([rj1.waitForURL(/\/dispute\?id=/), rj1.click("#new-dispute button[type=submit]")]);
await rj1.waitForSelector("#facts dl");
const id = new URL(rj1.url()).searchParams.get("id");
say(`  raised: ${await text(rj1, "#heading")}`);
async function act(p, who, action, fill = {}) {
  await look(p, `/dispute?id=${id}`, `dispute-${who}-${action}`);
  const offered = (await p.locator("form[data-action]").evaluateAll((fs) => fs.map((f) => f.dataset.action))).join(" ");
  const form = p.locator(`form[data-action=${action}]`);
  for (const [sel, v] of Object.entries(fill)) await (v === true ? form.locator(sel).check() : form.locator(sel).fill(v));
  const before = await p.locator("#timeline tbody tr").count();
  await form.locator("button").click();
  await p.waitForFunction((n) => document.querySelectorAll("#timeline tbody tr").length > n ||
    document.querySelector("#problems .nhsuk-error-summary"), before);
  const problem = await p.locator("#problems .nhsuk-error-summary").count();
  say(`  ${who} may: ${offered}; ${action}: ${problem ? await text(p, "#problems") : await text(p, "#facts")}`);
}
await act(rj1, "rj1", "offer", { "#amount": "1000000" });
await act(qkk, "qkk", "offer", { "#amount": "250000" });
await act(rj1, "rj1", "escalate");
await act(qkk, "qkk", "escalate");
await act(rj1, "rj1", "escalate", { "#referee": "Y56" });
await look(qkk, `/dispute?id=${id}`, "dispute-qkk-waiting");
say(`  qkk may now: ${(await qkk.locator("form[data-action]").count())} actions; ${await text(qkk, "#actions")}`);
const ref = await user("ref", "correct horse battery staple");
await act(ref, "ref", "determine", { "input[name=award_to][value=QKK]": true });
say("  timeline:");
for (const row of await ref.locator("#timeline tbody tr").all())
  say(`    ${(await row.innerText()).replace(/\s+/g, " ")}`);

await look(qkk, "/", "overview-phone");
say(`qkk overview: ${await text(qkk, "#mine")}`);
await look(rj1, "/board", "board");
say(`rj1 board: ${await text(rj1, "#summary")}`);
await look(rj1, "/disputes", "disputes");
await look(rj1, "/agree", "agree");
say(`rj1 agree: ${await text(rj1, "h1 + p")}`);
await browser.close();
