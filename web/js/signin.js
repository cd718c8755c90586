import { api, rememberCsrf, errorSummary, clear, param } from "/static/js/common.js";

const form = document.getElementById("sign-in");
const problems = document.getElementById("problems");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const user = form.user.value.trim();
  const password = form.password.value;
  const missing = [];
  if (!user) missing.push({ text: "Enter your user name", href: "#user" });
  if (!password) missing.push({ text: "Enter your password", href: "#password" });
  if (missing.length) {
    clear(problems, errorSummary("There is a problem", missing));
    problems.firstChild.focus();
    return;
  }
  const r = await api("/login", { method: "POST", json: { user, password }, raw: true, signIn: false });
  if (r.status === 200) {
    rememberCsrf(r.body.csrf_token);
    const next = param("next");
    // Only a page of this site (a path, never another origin).
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
    return;
  }
  const text = r.status === 429 ? "Too many failed sign-ins: wait 15 minutes and try again"
    : r.status === 401 ? "The user name or password is not right" : (r.body.error && r.body.error.message) || "Sign-in failed";
  clear(problems, errorSummary("There is a problem", [{ text, href: "#user" }]));
  form.password.value = "";
  problems.firstChild.focus();
});
