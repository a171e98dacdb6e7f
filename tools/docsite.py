"""Build the documentation site as static HTML without Quarto: `python tools/docsite.py [--out _site]` (`make site`).

Where Quarto is installed, `nbdev_docs` builds the real site. Quarto cannot be installed on every machine, so this
builds an equivalent from the same input: nbdev's processed notebooks (`nbdev.serve.proc_nbs`, which runs nbdev's
processors: front matter, `show_doc` for every exported symbol, doc links), in the order of `nbs/sidebar.yml`.

Written by hand because no maintained converter does this without Quarto or Jupyter's nbconvert (not a dependency):
Markdown through markdown-it-py, math through latex2mathml (MathML, rendered by browsers without JavaScript),
outputs (text, HTML tables, PNG figures, Markdown, LaTeX) as nbformat stores them.
"""
import argparse, base64, hashlib, html, json, re, shutil, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]

def _md():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.anchors import anchors_plugin
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    md.use(dollarmath_plugin, renderer=_math, allow_space=True, double_inline=True)
    md.use(anchors_plugin, min_level=1, max_level=4, slug_func=_slug)
    return md

def _slug(text:str) -> str:
    "Heading ids as Quarto/nbdev make them: lower case, spaces to dashes, keeping word characters, dots, dashes and underscores."
    s = re.sub(r"[^\w\s.\-]", "", text.strip().lower())
    return re.sub(r"\s+", "-", s)

def _math(latex:str, options:dict|None=None) -> str:
    from latex2mathml.converter import convert
    display = bool(options and options.get("display_mode"))
    try: return convert(latex.strip(), display="block" if display else "inline")
    except Exception as e:  # keep the page readable and say which formula failed
        return f'<code class="math-error" title="{html.escape(str(e))}">{html.escape(latex)}</code>'

def sidebar() -> list[tuple[str|None, str]]:
    "(section, notebook) pairs in the sidebar's order."
    import yaml
    spec = yaml.safe_load((root/"nbs"/"sidebar.yml").read_text())["website"]["sidebar"]["contents"]
    out = []
    for item in spec:
        if isinstance(item, dict):
            for nb in item["contents"]: out.append((item["section"], nb))
        else: out.append((None, item))
    return out

def front_matter(nb:dict) -> dict:
    import yaml
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "raw" and src.startswith("---"): return yaml.safe_load(src.strip().strip("-")) or {}
    return {}

_DOC_HOST = None
def _local_links(text:str) -> str:
    "Doc links point at the published site; make them relative, and notebook links point at pages."
    if _DOC_HOST: text = text.replace(_DOC_HOST + "/", "")
    return re.sub(r'href="(?!https?:|#|mailto:)([^"#]*?)\.ipynb(#[^"]*)?"', lambda m: f'href="{_PAGES.get(Path(m.group(1)).name, m.group(1))}.html{m.group(2) or ""}"', text)

MARKER = ".compressbook-site"
_PAGES = {}  # notebook stem -> page stem
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

class Page:
    def __init__(self, nb_path:Path, images:Path):
        self.nb = json.loads(nb_path.read_text())
        self.fm = front_matter(self.nb)
        self.stem = Path(self.fm.get("output-file", nb_path.stem + ".html")).stem
        self.title, self.images, self.api = self.fm.get("title", nb_path.stem), images, []
        self.md = _md()

    def image(self, b64:str, ext:str="png") -> str:
        data = base64.b64decode(b64)
        name = f"{self.stem}-{hashlib.sha1(data).hexdigest()[:10]}.{ext}"
        (self.images/name).write_bytes(data)
        return f'<img src="images/{name}" alt="figure">'

    def markdown(self, text:str) -> str:
        text = re.sub(r'\{target="_blank"[^}]*\}', "", text)  # Quarto link attributes
        return re.sub(r'<img src="(?!https?:|data:)([^"]+)"', self.local_image, self.md.render(text))

    def local_image(self, m) -> str:
        "Copy an image a Markdown cell links (relative to nbs/, e.g. ../results/x.png) into the site's images folder."
        src = (root/"nbs"/m.group(1)).resolve()
        if not src.is_file(): return m.group(0)  # left as it is: the browser test reports it
        name = f"{self.stem}-{hashlib.sha1(src.read_bytes()).hexdigest()[:10]}{src.suffix}"
        shutil.copyfile(src, self.images/name)
        return f'<img src="images/{name}"'

    def output(self, o:dict) -> str:
        if o.get("output_type") == "stream":
            text = _ANSI.sub("", "".join(o["text"]))
            return f'<pre class="output">{html.escape(text)}</pre>'
        if o.get("output_type") == "error": return f'<pre class="output error">{html.escape(o.get("ename", ""))}: {html.escape(o.get("evalue", ""))}</pre>'
        d = o.get("data", {})
        for mime, ext in (("image/png", "png"), ("image/jpeg", "jpg")):
            if mime in d: return self.image("".join(d[mime]) if isinstance(d[mime], list) else d[mime], ext)
        if "image/svg+xml" in d: return "".join(d["image/svg+xml"])
        if "text/markdown" in d:
            text = "".join(d["text/markdown"])
            m = re.search(r"^#{2,4} (\S+)\s*$", text, flags=re.M)
            if m:  # a show_doc block: part of the API section
                self.api.append(m.group(1))
                return f'<div class="doc" data-symbol="{html.escape(m.group(1))}">{self.markdown(text)}</div>'
            return self.markdown(text)
        if "text/html" in d: return f'<div class="output html">{"".join(d["text/html"])}</div>'
        if "text/latex" in d: return f'<div class="output math">{_math("".join(d["text/latex"]).strip().strip("$"), {"display_mode": True})}</div>'
        if "text/plain" in d: return f'<pre class="output">{html.escape("".join(d["text/plain"]))}</pre>'
        return ""

    def body(self) -> str:
        parts = [f'<h1 class="title" id="title">{html.escape(self.title)}</h1>']
        if self.fm.get("description"): parts.append(f'<p class="description">{html.escape(self.fm["description"])}</p>')
        for c in self.nb["cells"]:
            src = "".join(c["source"])
            if c["cell_type"] == "markdown":
                if "AUTOGENERATED" in src: continue
                parts.append(self.markdown(src))
            elif c["cell_type"] == "code":
                dirs = {re.sub(r"\s*:\s*", ": ", m.group(1).strip()) for m in re.finditer(r"^#\|\s*(.+)$", src, flags=re.M)}
                if dirs & {"hide", "include: false"}: continue
                code = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip()
                if code and not dirs & {"echo: false", "hide_input"} and "show_doc(" not in code:
                    parts.append(f'<pre class="code"><code class="language-python">{html.escape(code)}</code></pre>')
                parts += [self.output(o) for o in c.get("outputs", [])]
        if self.api:
            items = "".join(f'<li><a href="#{_slug(s)}"><code>{html.escape(s)}</code></a></li>' for s in self.api)
            parts.insert(2, f'<nav class="api" id="api"><h2>API</h2><p>Exported by this chapter:</p><ul>{items}</ul></nav>')
        return _local_links("\n".join(parts))

CSS = """
body{margin:0;font-family:system-ui,-apple-system,sans-serif;line-height:1.5;color:#222}
nav.sidebar{position:fixed;top:0;left:0;bottom:0;width:240px;overflow:auto;background:#f6f7f9;border-right:1px solid #ddd;padding:1em}
nav.sidebar a{display:block;padding:2px 0;color:#0b5394;text-decoration:none}nav.sidebar a.current{font-weight:bold}
nav.sidebar .section{margin-top:.8em;font-size:.85em;text-transform:uppercase;color:#666}
main{margin-left:280px;max-width:1000px;padding:1em 2em}
pre{background:#f5f5f5;padding:.6em;overflow:auto;font-size:.85em}pre.output{background:#fff;border-left:3px solid #ddd}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:2px 6px}img{max-width:100%}
nav.api{background:#f6f7f9;padding:.5em 1em;border:1px solid #ddd}nav.api ul{columns:2}
div.doc{border-top:1px solid #ccc;margin-top:1em}.description{font-size:1.1em;color:#555}
"""

def build(out:Path, process:bool=True) -> list[Path]:
    "Process the notebooks with nbdev and write one HTML page per sidebar entry into `out`; return the pages."
    global _DOC_HOST
    from nbdev.config import get_config
    cfg = get_config()
    _DOC_HOST = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip("/")
    if process:
        from nbdev.serve import proc_nbs
        proc_nbs(str(root/"nbs"), n_workers=1)
    proc = root/"_proc"
    if out.exists():  # only a folder this script wrote (it leaves a marker) is emptied
        if any(out.iterdir()) and not (out/MARKER).exists():
            sys.exit(f"{out} exists and was not written by tools/docsite.py: pass an empty or new --out folder.")
        shutil.rmtree(out)
    (out/"images").mkdir(parents=True)
    (out/MARKER).write_text("written by tools/docsite.py; emptied by its next run\n")
    entries = sidebar()
    missing = [nb for _, nb in entries if not (proc/nb).exists()]
    if missing: sys.exit(f"Processed notebooks missing in {proc}: {missing}. Run without --no-process.")
    pages = [(sec, Page(proc/nb, out/"images")) for sec, nb in entries]
    for (sec, p), (_, nb) in zip(pages, entries): _PAGES[Path(nb).stem] = p.stem
    written = []
    for sec, page in pages:
        body = page.body()
        nav, last = [], object()
        for s, p in pages:
            if s != last and s: nav.append(f'<div class="section">{html.escape(s)}</div>')
            last = s
            nav.append(f'<a href="{p.stem}.html"{" class=current" if p is page else ""}>{html.escape(p.title)}</a>')
        doc = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
               f'<title>{html.escape(page.title)} – {html.escape(cfg.title)}</title><style>{CSS}</style></head><body>'
               f'<nav class="sidebar"><a href="index.html"><strong>{html.escape(cfg.title)}</strong></a>{"".join(nav)}</nav>'
               f'<main>{body}</main></body></html>')
        f = out/f"{page.stem}.html"; f.write_text(doc); written.append(f)
    return written

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(root/"_site"), help="folder to write the site to (emptied first)")
    ap.add_argument("--no-process", action="store_true", help="reuse _proc/ from an earlier run instead of running nbdev's processors")
    a = ap.parse_args()
    pages = build(Path(a.out), not a.no_process)
    print(f"wrote {len(pages)} pages to {a.out}: {', '.join(p.name for p in pages)}")
