"""The project's test run (`make test`, called by `.ci/run`).

1. Notebooks are the source: after `nbdev_clean` and `nbdev_export` no tracked file may change
   and no new module may appear.
2. README.md must be what `tools/readme.py` makes of `nbs/index.ipynb`.
3. Every notebook's tests pass (`nbdev`'s runner, cells flagged `slow` or `notest` skipped).
4. The static documentation site builds (`tools/docsite.py`) and passes its browser test in headless Chromium
   (`tools/site_test.py`); without chromium-driver this is skipped with a message, except in CI (`CI=true`), where it fails.
Ends with the line `N passed, M failed`.
"""
import hashlib, subprocess, sys, time
from pathlib import Path

root = Path(__file__).resolve().parents[1]

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
    import os, shutil, tempfile
    if not shutil.which("chromedriver"):
        msg = "chromium-driver is not installed (`make site-test` installs Debian's chromium and chromium-driver)"
        return msg if os.environ.get("CI") == "true" else print(f"skip static site browser test: {msg}")
    out = Path(tempfile.mkdtemp(prefix="compressbook-site-"))
    for cmd in ([sys.executable, "tools/docsite.py", "--out", str(out/"site")],
                [sys.executable, "tools/site_test.py", "--site", str(out/"site"), "--shots", str(out/"shots")]):
        r = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        if r.returncode: return f"`{' '.join(Path(c).name for c in cmd[:2])}` failed:\n{(r.stdout + r.stderr)[-3000:]}"
    print(r.stdout.strip().splitlines()[-1])

def main():
    from nbdev.config import get_config
    from nbdev.test import test_nb
    cfg = get_config()
    flags = cfg.tst_flags.split()
    results = []
    for name, check in (("notebooks and library in sync", check_sync), ("README.md up to date", check_readme)):
        err = check()
        print(f"{'ok  ' if not err else 'FAIL'} {name}" + (f"\n{err}" if err else ""), flush=True)
        results.append(not err)
    nbs = sorted(p for p in Path(cfg.nbs_path).rglob("*.ipynb") if not p.name.startswith("_") and ".ipynb_checkpoints" not in p.parts)
    for nb in nbs:
        t0 = time.perf_counter()
        ok, _ = test_nb(nb, skip_flags=flags, showerr=True, basepath=cfg.config_path)
        print(f"{'ok  ' if ok else 'FAIL'} {nb.relative_to(cfg.config_path)} ({time.perf_counter()-t0:.0f} s)", flush=True)
        results.append(ok)
    t0 = time.perf_counter()
    err = check_site()
    print(f"{'ok  ' if not err else 'FAIL'} static site and browser test ({time.perf_counter()-t0:.0f} s)" + (f"\n{err}" if err else ""), flush=True)
    results.append(not err)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)

if __name__ == "__main__": main()
