"""Train the models chapter's recipe teacher on TREC-6 with overrides, and score each on the test split (a check of `teacher_recipe`).

    python tools/recipe_runs.py OUT_DIR '{"lr": 5e-05}' '{"lr": 0.00015, "seed": 1}' ...

Each JSON object is passed to `teacher_recipe` as overrides; each teacher is saved under OUT_DIR (a rerun reuses it) and one
JSON line is printed per run: its validation accuracy by epoch, the epoch kept, and the test accuracy with a 95% bootstrap interval.
The models chapter cites the seed runs this made when its recipe's learning rate rule was chosen.
"""
import sys, json, subprocess
from pathlib import Path
from compressbook.models import teacher_recipe, train_teacher, teacher_info
from compressbook.data import load_text_classification
from compressbook.study import oos_class_weight
from compressbook.benchmark import PerformanceBenchmark, bootstrap_intervals

def main(out, *specs):
    from transformers import pipeline
    out = Path(out); out.mkdir(parents=True, exist_ok=True); csv = out/"trec.csv"
    if not csv.exists(): subprocess.run([sys.executable, str(Path(__file__).with_name("get_trec.py")), str(csv)], check=True)
    ds = load_text_classification(csv); feat = ds["train"].features["intent"]
    for spec in specs:
        kw = json.loads(spec)
        cfg = teacher_recipe(len(ds["train"]), feat.num_classes, oos_weight=oos_class_weight(ds), **kw)
        info = teacher_info(p := train_teacher(cfg, out/("t-" + "-".join(f"{k}{v}" for k, v in kw.items())), data_path=ds))
        b = PerformanceBenchmark(pipeline("text-classification", model=str(p), device="cpu"), ds["test"], memory=False)
        acc, ci = b.compute_accuracy()["accuracy"], bootstrap_intervals(b.predictions, ds["test"]["intent"])["accuracy_ci"]
        val = [(h["epoch"], round(h["eval_accuracy"], 4)) for h in info["history"] if "eval_accuracy" in h]
        print(json.dumps(dict(overrides=kw, epochs=cfg.epochs, lr=cfg.lr, best_epoch=info["best_epoch"], val=val, test=round(acc, 4),
                              ci=[round(c, 3) for c in ci], minutes=round(info["train_seconds"] / 60, 1))), flush=True)

if __name__ == "__main__":
    if len(sys.argv) < 3: sys.exit(__doc__)
    main(*sys.argv[1:])
