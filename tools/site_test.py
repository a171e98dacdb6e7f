"""Browser test of the static site (`make site-test`): every page in headless Chromium, with networking off.

Each chapter page must load, show its title, its API section (the chapter's exported symbols, each linking to its
documentation on the page) and at least one rendered image (library reference pages, `00_*`, need none); pages with math must render it as MathML; every
link between pages must reach an existing page and anchor. Screenshots go to a folder outside the repository
(default: a temporary folder; `--shots DIR`). Needs Debian's `chromium` and `chromium-driver` and the `selenium` package.
"""
import argparse, json, re, shutil, sys, tempfile
from pathlib import Path
from urllib.parse import urlparse, unquote

root = Path(__file__).resolve().parents[1]

def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,2000",
              # networking off: no proxy reachable, no host resolvable; file:// pages still load
              "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
              "--disable-background-networking", "--disable-component-update", "--no-first-run"):
        opts.add_argument(a)
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)

PAGE_STATE = """
const imgs = [...document.images];
return {title: document.querySelector('h1.title')?.innerText || '',
        api: [...document.querySelectorAll('nav.api a')].map(a => a.getAttribute('href')),
        docs: document.querySelectorAll('div.doc').length,
        images: imgs.length, loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
        broken: imgs.filter(i => i.complete && i.naturalWidth === 0).map(i => i.getAttribute('src')),
        math: document.querySelectorAll('math').length, mathErrors: document.querySelectorAll('.math-error').length,
        ids: [...document.querySelectorAll('[id]')].map(e => e.id),
        links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))};
"""

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default=str(root/"_site"))
    ap.add_argument("--shots", default=None, help="folder for screenshots (outside the repository)")
    a = ap.parse_args()
    site = Path(a.site).resolve()
    shots = Path(a.shots or tempfile.mkdtemp(prefix="compressbook-shots-")).resolve()
    if root in shots.parents or shots == root: sys.exit(f"Screenshots must go outside the repository, not to {shots}.")
    shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(site.glob("*.html"))
    if not pages: sys.exit(f"No pages in {site}: build the site first (`make site`).")
    sys.path.insert(0, str(root/"tools"))
    from docsite import sidebar, front_matter  # the site builder beside this file
    expected = {}
    for _, nb in sidebar():
        fm = front_matter(json.loads((root/"_proc"/nb).read_text()))
        expected[Path(fm.get("output-file", Path(nb).stem + ".html")).stem] = (fm.get("title", ""), Path(nb).stem[:2].isdigit(), not Path(nb).stem.startswith("00_"))
    failures, states = [], {}
    drv = browser()
    try:
        drv.set_page_load_timeout(30)
        for f in pages:
            drv.get(f.as_uri())
            st = drv.execute_script(PAGE_STATE); states[f.name] = st
            drv.save_screenshot(str(shots/f"{f.stem}.png"))
            title, chapter, figure = expected.get(f.stem, (None, False, False))  # 00_: library reference pages, no figure
            err = lambda m: failures.append(f"{f.name}: {m}")
            if title is None: err("not in the sidebar")
            elif st["title"].strip() != title: err(f"title {st['title']!r}, expected {title!r}")
            if chapter and not st["api"]: err("no API section")
            if chapter and st["docs"] < 1: err("no documented symbol on the page")
            if figure and st["loaded"] < 1: err(f"no image shown ({st['images']} images, broken: {st['broken'][:3]})")
            if st["broken"]: err(f"broken images {st['broken'][:3]}")
            if st["mathErrors"]: err(f"{st['mathErrors']} formulas failed to render")
            print(f"{'ok  ' if not any(x.startswith(f.name) for x in failures) else 'FAIL'} {f.name}: {st['title']!r}, "
                  f"{len(st['api'])} API entries, {st['loaded']}/{st['images']} images, {st['math']} formulas", flush=True)
    finally: drv.quit()
    # links between pages: the target page exists and has the anchor
    for name, st in states.items():
        for href in st["links"]:
            u = urlparse(href)
            if u.scheme in ("http", "https", "mailto"): continue
            target = name if not u.path else Path(unquote(u.path)).name
            if target not in states: failures.append(f"{name}: link {href} points at a missing page"); continue
            if u.fragment and unquote(u.fragment) not in states[target]["ids"]:
                failures.append(f"{name}: link {href}: {target} has no anchor #{u.fragment}")
    for m in failures: print("FAIL", m)
    print(f"{len(pages)} pages, {len(failures)} problems; screenshots in {shots}")
    sys.exit(1 if failures else 0)

if __name__ == "__main__": main()
