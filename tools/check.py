"""The project's test run (`make test`, called by `.ci/run`).

1. Notebooks are the source: after `nbdev_clean` and `nbdev_export` no tracked file may change
   and no new module may appear.
2. README.md must be what `tools/readme.py` makes of `nbs/index.ipynb`.
3. Every notebook's tests pass (`nbdev`'s runner, cells flagged `slow` or `notest` skipped).
4. The static documentation site builds (`tools/docsite.py`) and passes its browser test in headless Chromium
   (`tools/site_test.py`); without chromium-driver this is skipped with a message, except in CI (`CI=true`), where it fails.
5. Nothing is left behind: no new entry in `~/.cache/compressbook` or in the system's temporary folder (e.g. /tmp).
Ends with the line `N passed, M failed`; the exit status is 0 when all passed, 1 otherwise.

Tests are hermetic: each notebook runs (in this process, through execnb) with its own fresh temporary root
`<tmp>/compressbook-test-<notebook>-XXXX/`, and meanwhile COMPRESSBOOK_RESULTS=<root>/results.json and
TMPDIR=<root>/tmp (also `tempfile.tempdir`); the environment is restored and the root removed afterwards. The
library's cache, COMPRESSBOOK_CACHE, is one fresh folder for the whole run (`<tmp>/compressbook-test-cache-XXXX/`,
removed at the end): the chapters' tests share it as a reader's notebooks share theirs (a small teacher fine-tuned by
one chapter's tests is reused by the next, which halves the run's time), and nothing is read from an earlier run or
written to ~/.cache/compressbook. The browser test runs in such a root too. This takes precedence over a
COMPRESSBOOK_CACHE set by the caller (.ci/run).

    python tools/check.py                      # everything (`make test`)
    python tools/check.py nbs/01_data.ipynb    # only these notebooks' tests, plus checks 1, 2, 4 and 5
    python tools/check.py --only-nbs [NB ...]  # only the notebooks' tests (all of them without NB) and check 5
`NBS="nbs/01_data.ipynb nbs/02_models.ipynb" make test` passes notebooks through make.
"""
import argparse, hashlib, os, shutil, subprocess, sys, tempfile, time
from contextlib import contextmanager
from pathlib import Path

root = Path(__file__).resolve().parents[1]
REAL_TMP = Path(tempfile.gettempdir())  # the system's temporary folder, read before any override below
USER_CACHE = Path.home()/".cache"/"compressbook"  # the library's default cache (`compressbook.models.cache_dir`)
SANDBOX_VARS = ("COMPRESSBOOK_CACHE", "COMPRESSBOOK_RESULTS", "TMPDIR")

@contextmanager
def sandbox(label:str, cache:Path|None=None):
    "A fresh temporary root for one test, with the results file and TMPDIR (and the library's cache, unless `cache`) inside it; removed after."
    box = Path(tempfile.mkdtemp(prefix=f"compressbook-test-{label}-", dir=REAL_TMP))
    (box/"tmp").mkdir()
    env = {"COMPRESSBOOK_CACHE": str(cache or box/"cache"), "COMPRESSBOOK_RESULTS": str(box/"results.json"), "TMPDIR": str(box/"tmp")}
    saved, saved_tempdir = dict(os.environ), tempfile.tempdir
    os.environ.update(env)
    tempfile.tempdir = env["TMPDIR"]  # tempfile caches gettempdir(): point it at the sandbox too
    try: yield box
    finally:
        # Restore the three, and any variable the test set to a path inside the sandbox: torch stores the inductor's
        # cache, TORCHINDUCTOR_CACHE_DIR=$TMPDIR/torchinductor_<user>, in os.environ on first use, and the next notebook
        # would re-create this root through it.
        for k in set(SANDBOX_VARS) | {k for k, v in os.environ.items() if str(box) in v}:
            if k in saved: os.environ[k] = saved[k]
            else: os.environ.pop(k, None)
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(box, ignore_errors=True)  # one that cannot be removed is reported by check_leftovers

def _entries(d:Path) -> set[str]:
    try: return set(os.listdir(d))
    except OSError: return set()

def leftovers_snapshot() -> dict:
    "What is in ~/.cache/compressbook and the system's temporary folder before the run (None: the folder is absent)."
    return {d: (_entries(d) if d.is_dir() else None) for d in (USER_CACHE, REAL_TMP)}

def check_leftovers(before:dict):
    "New entries in ~/.cache/compressbook or the system's temporary folder since `before`."
    new = []
    for d, was in before.items():
        if not d.is_dir(): continue
        now = _entries(d)
        if was is None and not now: new.append(d); continue  # the folder itself was created, and left empty
        # Nothing is excluded. The sandbox roots are gone by now (one that could not be removed, or was re-created, is
        # reported). On a machine shared with other work, other processes' files show up here too (seen in practice:
        # another user's `compressbook study --out /tmp/qs`, scratch folders, /tmp/tmpXXXXXXXX from running a notebook
        # outside this script, /tmp/torchinductor_<user> from torch), but none is told apart from a test's leak by its
        # name, so they are reported; a CI machine runs nothing else.
        new += [d/n for n in sorted(now - (was or set()))]
    if not new: return None
    home = str(Path.home())
    shown = [str(p).replace(home, "~", 1) if str(p).startswith(home + os.sep) else str(p) for p in new[:10]]
    msg = (f"{len(new)} new {'entry' if len(new) == 1 else 'entries'} left behind by the tests (tests must use the "
           "compressbook cache, $TMPDIR or `tempfile`, which tools/check.py points at a per-notebook folder, never a fixed "
           "path): " + ", ".join(shown) + (f", and {len(new) - 10} more" if len(new) > 10 else ""))
    if any(p.parent == REAL_TMP and p.name.startswith("compressbook-test-") for p in new):
        msg += ("\n(a compressbook-test-<notebook>-* folder re-created after its notebook: something kept a path into that "
                "notebook's sandbox, or another test run is going on)")
    return msg

def snapshot():
    "Hashes of tracked files, plus the untracked files of the library and notebook folders."
    files = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True, check=True).stdout.split("\0")
    untracked = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard", "compressbook", "nbs"],
                               cwd=root, capture_output=True, text=True, check=True).stdout.split("\0")
    return {f: hashlib.sha1((root/f).read_bytes()).hexdigest() if (root/f).is_file() else None for f in files + untracked if f}

def check_sync():
    before = snapshot()
    for cmd in (["nbdev_clean"], ["nbdev_export"]):
        r = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        if r.returncode: return f"`{cmd[0]}` failed:\n{r.stderr[-2000:]}"
    after = snapshot()
    changed = sorted(f for f in before.keys() | after.keys() if before.get(f) != after.get(f))
    if changed: return ("Notebooks and library disagree, or notebooks are not clean: `nbdev_clean` + `nbdev_export` changed "
                        f"{', '.join(changed)}. Edit the notebooks (never compressbook/*.py), run both, and commit.")

def check_readme():
    r = subprocess.run([sys.executable, "tools/readme.py", "--check"], cwd=root, capture_output=True, text=True)
    if r.returncode: return r.stdout + r.stderr

def check_site():
    if not shutil.which("chromedriver"):
        msg = ("chromium-driver is not installed (`tools/apt_install.sh`, run by `make test` and `make site-test`, "
               "installs Debian's chromium and chromium-driver)")
        return msg if os.environ.get("CI") == "true" else print(f"skip static site browser test: {msg}")
    with sandbox("site") as out:  # Chromium's and chromedriver's temporary files go to the sandbox's TMPDIR too
        for cmd in ([sys.executable, "tools/docsite.py", "--out", str(out/"site")],
                    [sys.executable, "tools/site_test.py", "--site", str(out/"site"), "--shots", str(out/"shots")]):
            r = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
            if r.returncode: return f"`{' '.join(Path(c).name for c in cmd[:2])}` failed:\n{(r.stdout + r.stderr)[-3000:]}"
    print(r.stdout.strip().splitlines()[-1].split("; screenshots in")[0])  # the screenshots went with the sandbox

def _notebooks(cfg, names:list[str]) -> list[Path]:
    nbs_path = Path(cfg.nbs_path)
    if not names:
        return sorted(p for p in nbs_path.rglob("*.ipynb") if not p.name.startswith("_") and ".ipynb_checkpoints" not in p.parts)
    out = []
    for n in names:
        p = next((q for q in (Path(n), root/n, nbs_path/n) if q.is_file()), None)
        if p is None or p.suffix != ".ipynb": sys.exit(f"check.py: no notebook {n}")
        out.append(p.resolve())
    return out

def main():
    ap = argparse.ArgumentParser(description="The project's test run; see the module's docstring.")
    ap.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="test only these notebooks (default: all)")
    ap.add_argument("--only-nbs", action="store_true", help="only the notebooks' tests (and the leftovers check)")
    a = ap.parse_args()
    from nbdev.config import get_config
    from nbdev.test import test_nb
    cfg = get_config()
    flags = cfg.tst_flags.split()
    nbs = _notebooks(cfg, a.notebooks)
    before = leftovers_snapshot()
    results = []
    report = lambda name, err: (print(f"{'ok  ' if not err else 'FAIL'} {name}" + (f"\n{err}" if err else ""), flush=True),
                                results.append(not err))
    if not a.only_nbs:
        for name, check in (("notebooks and library in sync", check_sync), ("README.md up to date", check_readme)):
            report(name, check())
    run_cache = Path(tempfile.mkdtemp(prefix="compressbook-test-cache-", dir=REAL_TMP))
    # torch.compile's kernel cache (torchao's int8 path compiles) is shared by the run too: by default it lives in
    # $TMPDIR, which is each notebook's own, and every notebook would compile the same kernels again
    saved_inductor = os.environ.get("TORCHINDUCTOR_CACHE_DIR")
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(run_cache/"torchinductor")
    try:
        for nb in nbs:
            t0 = time.perf_counter()
            with sandbox(nb.stem, cache=run_cache):
                ok, _ = test_nb(nb, skip_flags=flags, showerr=True, basepath=cfg.config_path)
            rel = nb.relative_to(cfg.config_path) if nb.is_relative_to(cfg.config_path) else nb
            print(f"{'ok  ' if ok else 'FAIL'} {rel} ({time.perf_counter()-t0:.0f} s)", flush=True)
            results.append(ok)
    finally:
        if saved_inductor is None: os.environ.pop("TORCHINDUCTOR_CACHE_DIR", None)
        else: os.environ["TORCHINDUCTOR_CACHE_DIR"] = saved_inductor
        shutil.rmtree(run_cache, ignore_errors=True)
    if not a.only_nbs:
        t0 = time.perf_counter()
        err = check_site()
        report(f"static site and browser test ({time.perf_counter()-t0:.0f} s)", err)
    report("no files left in ~/.cache/compressbook or /tmp", check_leftovers(before))
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)

if __name__ == "__main__": main()
