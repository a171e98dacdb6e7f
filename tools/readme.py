"""Make README.md from nbs/index.ipynb without Quarto (`nbdev_readme` needs it); `--check` only compares.

Markdown cells are copied; code cells (unless `#| hide`) become Python blocks without their `#|`
directives, followed by their text outputs; images from outputs are written to `images/` and linked.
Links into the notebooks' folder (`../results/...`) are rewritten relative to the repository root.
"""
import base64, json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
nb_path, readme = root/"nbs"/"index.ipynb", root/"README.md"

def directives(src):
    "A cell's `#|` directives, e.g. {'hide'} or {'echo: false', 'slow'}."
    return {re.sub(r"\s*:\s*", ": ", m.group(1).strip()) for m in re.finditer(r"^#\|\s*(.*)$", src, flags=re.M)}

def render():
    nb = json.loads(nb_path.read_text())
    out, images = ["<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, then run `make readme`. -->", ""], {}
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            # links are relative to nbs/: `../x` is at the root, a chapter `NN_name.ipynb` is under nbs/
            out += [re.sub(r"\]\((?!https?:|#|/)(?!\.\./)([^)]+\.ipynb)\)", r"](nbs/\1)", src).replace("](../", "]("), ""]
            continue
        d = directives(src)
        if d & {"hide", "exporti"} or cell["cell_type"] != "code": continue
        code = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip()
        if code and not d & {"echo: false", "hide_input"}: out += ["```python", code, "```", ""]
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if o.get("output_type") == "stream": text = "".join(o["text"])
            elif "image/png" in data:
                name = f"images/index_{len(images)}.png"
                images[name] = base64.b64decode(data["image/png"])
                out += [f"![]({name})", ""]; continue
            elif "text/markdown" in data: out += ["".join(data["text/markdown"]), ""]; continue
            elif "text/plain" in data: text = "".join(data["text/plain"])
            else: continue
            out += ["```", text.rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n", images

def main(check=False):
    text, images = render()
    stale = [str(readme.relative_to(root))] if not readme.exists() or readme.read_text() != text else []
    stale += [n for n, b in images.items() if not (root/n).exists() or (root/n).read_bytes() != b]
    if check:
        if stale: print(f"README is stale ({', '.join(stale)} differ from nbs/index.ipynb): run `make readme` and commit."); sys.exit(1)
        return
    readme.write_text(text)
    for n, b in images.items(): (root/n).parent.mkdir(exist_ok=True); (root/n).write_bytes(b)
    print(f"wrote README.md" + (f" and {len(images)} image(s)" if images else ""))

if __name__ == "__main__": main("--check" in sys.argv)
