"""Exploration for issue 19 (a static-embedding student): how far a model2vec table gets on CLINC150 plus.

Usage: python tools/static_explore.py   (needs `model2vec[distill]==0.10.0`, whose distill extra requires transformers<5.4:
run it in a separate virtual environment, or reinstall transformers 5.24 afterwards; and the full study's teacher in the cache)
Distils the base MiniLM-L6 into a static table with model2vec (256 PCA dimensions), scores model2vec + logistic regression,
then fine-tunes the table and a linear head (mean of token rows, normalised) with the book's `distillation_loss` against the
study's teacher as trained, calibrating the `oos` bias on validation. Prints validation and test accuracy (all 151 classes).
"""
import numpy as np, torch, time, json, sys
import torch.nn.functional as F
from pathlib import Path
from compressbook.study import study_data, preset
from compressbook.models import backbone_path
from compressbook.distillation import distillation_loss
torch.manual_seed(0)
ds = study_data(preset("full"))
names = ds["train"].features["intent"].names; oos = names.index("oos")
from model2vec.distill import distill
t0 = time.time(); m2v = distill(model_name=str(backbone_path()), pca_dims=256); print("distill s", round(time.time()-t0,1), flush=True)
tok = m2v.tokenizer
E0 = torch.tensor(np.asarray(m2v.embedding), dtype=torch.float32); print("table", tuple(E0.shape))
def ids(texts): return [e.ids for e in tok.encode_batch(list(texts), add_special_tokens=False)]
tr, va, te = (ids(ds[s]["text"]) for s in ("train", "validation", "test"))
y = {s: torch.tensor(ds[s]["intent"]) for s in ("train", "validation", "test")}
# off-the-shelf: model2vec embeddings + logistic regression
from sklearn.linear_model import LogisticRegression
enc = lambda s: m2v.encode(list(ds[s]["text"]))
clf = LogisticRegression(max_iter=2000, C=10).fit(enc("train"), ds["train"]["intent"])
for s in ("validation", "test"): print("m2v+LR", s, round(float((clf.predict(enc(s)) == np.array(ds[s]["intent"])).mean()), 4), flush=True)
# teacher logits (as trained)
from transformers import AutoModelForSequenceClassification, AutoTokenizer
D = Path.home()/".cache/compressbook/studies/full"
tp = D/"teacher"; tm = AutoModelForSequenceClassification.from_pretrained(tp).eval(); tt = AutoTokenizer.from_pretrained(tp)
def tlogits(texts):
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), 256): out.append(tm(**tt(texts[i:i+256], padding=True, truncation=True, return_tensors="pt")).logits)
    return torch.cat(out)
t0 = time.time(); TL = tlogits(list(ds["train"]["text"])); print("teacher logits s", round(time.time()-t0,1), flush=True)
class Static(torch.nn.Module):
    def __init__(s, E, n):
        super().__init__(); s.emb = torch.nn.EmbeddingBag.from_pretrained(E.clone(), freeze=False, mode="mean"); s.head = torch.nn.Linear(E.shape[1], n)
    def forward(s, flat, offsets):
        v = s.emb(flat, offsets); return s.head(F.normalize(v, dim=-1) * 10)
def batch(seqs):
    seqs = [q if q else [0] for q in seqs]
    off = torch.tensor([0] + [len(q) for q in seqs[:-1]]).cumsum(0); return torch.tensor([i for q in seqs for i in q]), off
def acc(m, seqs, yy, bias=0.0):
    with torch.no_grad():
        z = m(*batch(seqs)); z[:, oos] += bias; return float((z.argmax(-1) == yy).float().mean())
def train(alpha, T, lr, epochs, wd=0.0, oos_w=1.0):
    m = Static(E0, len(names)); opt = torch.optim.AdamW(m.parameters(), lr=lr, weight_decay=wd)
    w = torch.ones(len(names)); w[oos] = oos_w
    n = len(tr); steps = epochs * ((n + 63) // 64); sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    for ep in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, 64):
            idx = perm[i:i+64]; z = m(*batch([tr[j] for j in idx]))
            loss = distillation_loss(z, TL[idx], y["train"][idx], alpha=alpha, temperature=T, weight=w)
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
    # calibrate oos bias on validation
    best = max(np.arange(-4, 8.01, 0.25), key=lambda b: acc(m, va, y["validation"], b))
    return m, best
for cfg in [dict(alpha=1.0, T=1, lr=3e-3, epochs=10), dict(alpha=0.5, T=4, lr=3e-3, epochs=10), dict(alpha=0.1, T=4, lr=3e-3, epochs=20)]:
    t0 = time.time(); m, b = train(**cfg)
    print(cfg, "bias", b, "val", round(acc(m, va, y["validation"], b), 4), "test", round(acc(m, te, y["test"], b), 4), "test raw", round(acc(m, te, y["test"]), 4), "s", round(time.time()-t0), flush=True)
