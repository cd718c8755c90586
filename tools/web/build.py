#!/usr/bin/env python3
"""Builds the ics serve dashboard from web/ into BUILD/web/root (docs/commands/serve.md, "The dashboard").

  tools/web/build.py install BUILD   npm ci of web/package-lock.json into BUILD/web (make deps)
  tools/web/build.py build BUILD     the pages, scripts and stylesheet into BUILD/web/root (make)

The NHS.UK frontend design system (npm nhsuk-frontend, pinned in web/package-lock.json) is installed into the
build and compiled from there with Dart Sass, with system fonts and no @font-face (so no assets.nhs.uk); its
icons the stylesheet uses are copied into the build beside it. Nothing of it is copied into the repository.
Every page is web/layout.html around web/pages/NAME.html; the page's first lines name its title and script.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEB = os.path.join(ROOT, "web")


def fail(msg):
    print(f"web: {msg}", file=sys.stderr)
    sys.exit(1)


def lock_digest():
    with open(os.path.join(WEB, "package-lock.json"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def install(build):
    dest = os.path.join(build, "web")
    os.makedirs(dest, exist_ok=True)
    stamp = os.path.join(dest, "node_modules", ".ics-lock-sha256")
    if os.path.exists(stamp) and open(stamp).read().strip() == lock_digest():
        return
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(os.path.join(WEB, name), os.path.join(dest, name))
    # --ignore-scripts: no package's install script runs (sass's optional file watcher is not needed).
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], cwd=dest)
    if r.returncode != 0:
        fail("npm ci failed in " + dest)
    with open(stamp, "w") as f:
        f.write(lock_digest() + "\n")


PAGE_HEAD = re.compile(r"\A<!--\s*title:\s*(.*?)\s*-->\s*\n<!--\s*script:\s*(\S+)\s*-->\s*\n", re.S)


def build(build):
    modules = os.path.join(build, "web", "node_modules")
    frontend = os.path.join(modules, "nhsuk-frontend", "dist", "nhsuk")
    sass = os.path.join(modules, ".bin", "sass")
    if not os.path.isdir(frontend) or not os.path.exists(sass):
        fail(f"{modules} has no nhsuk-frontend or sass: run make deps (it runs tools/web/build.py install)")
    out = os.path.join(build, "web", "root")
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "static", "js"))
    os.makedirs(os.path.join(tmp, "static", "nhsuk", "images"))

    css = os.path.join(tmp, "static", "app.css")
    r = subprocess.run([sass, "--no-source-map", "--style=compressed", "--quiet", "--load-path=" + modules,
                        os.path.join(WEB, "scss", "app.scss"), css])
    if r.returncode != 0:
        fail("sass failed on web/scss/app.scss")
    text = open(css, encoding="utf-8").read()
    if "@font-face" in text:
        fail("the stylesheet has an @font-face (the dashboard uses system fonts)")
    for url in re.findall(r"url\(\"?([^\")]*)\"?\)", text):
        if url.startswith("data:"):
            continue
        if not url.startswith("/static/nhsuk/images/"):
            fail(f"the stylesheet points outside the dashboard: url({url})")
        name = url.rsplit("/", 1)[1]
        shutil.copyfile(os.path.join(frontend, "assets", "images", name),
                        os.path.join(tmp, "static", "nhsuk", "images", name))
    shutil.copyfile(os.path.join(frontend, "nhsuk-frontend.min.js"), os.path.join(tmp, "static", "nhsuk-frontend.min.js"))
    shutil.copyfile(os.path.join(frontend, "assets", "images", "favicon.ico"), os.path.join(tmp, "favicon.ico"))

    for name in sorted(os.listdir(os.path.join(WEB, "js"))):
        if name.endswith(".js"):
            shutil.copyfile(os.path.join(WEB, "js", name), os.path.join(tmp, "static", "js", name))

    layout = open(os.path.join(WEB, "layout.html"), encoding="utf-8").read()
    for name in sorted(os.listdir(os.path.join(WEB, "pages"))):
        if not name.endswith(".html"):
            continue
        page = open(os.path.join(WEB, "pages", name), encoding="utf-8").read()
        m = PAGE_HEAD.match(page)
        if not m:
            fail(f"web/pages/{name}: the first two lines must be <!-- title: ... --> and <!-- script: NAME -->")
        title, script = m.group(1), m.group(2)
        if not os.path.exists(os.path.join(WEB, "js", script + ".js")):
            fail(f"web/pages/{name}: no web/js/{script}.js")
        html = (layout.replace("{{title}}", title).replace("{{script}}", script)
                .replace("{{page}}", name[:-5]).replace("{{body}}", page[m.end():]))
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            f.write(html)
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("install", "build"):
        fail("usage: tools/web/build.py install|build BUILD")
    (install if sys.argv[1] == "install" else build)(sys.argv[2])


if __name__ == "__main__":
    main()
