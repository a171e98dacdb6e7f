"""Re-execute notebooks, slow cells included, and save their outputs in place (`make outputs`).

Usage: python tools/run_nbs.py [--skip-slow | --slow-from TEXT] [NOTEBOOK ...]   (default: every notebook in nbs/, in order)
Each notebook runs in its own folder, as `nbdev_test` runs it; cells marked `#| eval: false` are
skipped. A notebook that fails stops the run and is left unchanged. `nbdev_clean` runs afterwards.
`--skip-slow` runs only the cells that `nbdev_test` runs (examples and tests on small data) and keeps
the saved outputs of the `#| slow` cells as they are: for a change that leaves the full-size runs alone.
`--slow-from TEXT` runs the `#| slow` cells from the first cell whose source contains TEXT on, and keeps the
saved outputs of the slow cells before it: for a new full-size section that needs none of the earlier ones.
"""
import os, re, subprocess, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

SKIP_SLOW = False
SLOW_FROM = None  # with `--slow-from`: slow cells are skipped until a cell containing this text

def _skip(cell):
    "Skip what `nbdev_test` skips besides flags: `#| eval: false` cells and the export cell (and `#| slow` cells with `--skip-slow`)."
    global SLOW_FROM
    src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    if SLOW_FROM and SLOW_FROM in src: SLOW_FROM = None
    if (SKIP_SLOW or SLOW_FROM) and re.search(r"^#\|\s*slow\b", src, re.M): return True
    skip = cell.cell_type != "code" or "nbdev_export(" in src or re.search(r"^#\|\s*eval:\s*false", src, re.M | re.I) is not None
    if not skip: cell.outputs = []  # execnb keeps a cell's old outputs when its new run prints nothing
    return skip

root = Path(__file__).resolve().parents[1]

def run(nb_path:Path):
    nb = read_nb(nb_path)
    cwd = os.getcwd(); os.chdir(nb_path.parent)
    try:
        t0 = time.perf_counter()
        CaptureShell(mpl_format="png").run_all(nb, exc_stop=True, preproc=_skip)
    finally: os.chdir(cwd)
    write_nb(nb, nb_path)
    print(f"ran {nb_path.relative_to(root)} in {time.perf_counter()-t0:.0f} s", flush=True)

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--skip-slow" in args: SKIP_SLOW = True; args.remove("--skip-slow")
    if "--slow-from" in args: i = args.index("--slow-from"); SLOW_FROM = args[i + 1]; del args[i:i + 2]
    nbs = [Path(a).resolve() for a in args] or sorted(p for p in (root/"nbs").glob("*.ipynb") if not p.name.startswith("_"))
    for p in nbs: run(p)
    subprocess.run(["nbdev_clean"], cwd=root, check=True)
