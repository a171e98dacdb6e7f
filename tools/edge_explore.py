"""Exploration for issue 17 (edge size): how vocabulary pruning and block-wise weight-only quantization trade size for accuracy.

Usage: python tools/edge_explore.py [STUDY_FOLDER] [--words N,N,...]   (default: the full study in the cache; needs its onnx/fp32 export)
With --words, keeps the training split's ids plus those of the N most frequent English words (the `wordfreq` package) instead,
for each N, attention unfused, embeddings at 4 bits and MatMuls at 8 or 4; with --words and --mixed, the nearest-row map only, with
the attention's MatMuls at 8 bits and the others at 4, or all MatMuls at 4 bits in blocks of 16.
Starts from the study's fp32 ONNX export of the calibrated student and builds, in a temporary folder:
  - the vocabulary cut to the token ids of the training split, every other id sent to [UNK]'s row or to the nearest
    kept row (cosine of the student's word embeddings) by an id map (a Gather) inside the graph: the tokenizer is unchanged;
  - weight-only quantization with ONNX Runtime's MatMulNBits (MatMuls) and GatherBlockQuantized (embedding), 4 and 8 bits;
  - beside the study's own ONNX Runtime dynamic int8 model.
Each is scored one query at a time on the validation and test splits (argmax of the calibrated logits) and timed (p50 of
single test queries, one after another: exploratory, not the shared benchmark). Prints one JSON line per model.
"""
import json, os, sys, tempfile, time
from collections import Counter
from pathlib import Path
import numpy as np, onnx, onnxruntime as ort
from onnx import helper, numpy_helper
from tokenizers import Tokenizer
from compressbook.models import cache_dir
from compressbook.study import preset, study_data

def id_map(E:np.ndarray, keep:list[int], nearest:bool) -> tuple[np.ndarray, np.ndarray]:
    "Rows kept, and the map from every token id to its row: itself when kept, else [UNK]'s (or the nearest kept row's)."
    keep = np.array(sorted(set(keep) | {0, 100, 101, 102}))
    row = np.full(len(E), int(np.searchsorted(keep, 100)), dtype=np.int32)
    if nearest:
        En = E / np.linalg.norm(E, axis=1, keepdims=True)
        row = (En @ En[keep].T).argmax(1).astype(np.int32)
    row[keep] = np.arange(len(keep), dtype=np.int32)
    return keep, row

def prune_vocab(src:Path, dest:Path, keep:list[int], nearest:bool):
    "The ONNX model `src` with its word embedding cut to `keep`, behind an id map in the graph."
    m = onnx.load(str(src)); inits = {i.name: i for i in m.graph.initializer}
    g = next(n for n in m.graph.node if n.op_type == "Gather" and n.input[0] in inits and inits[n.input[0]].dims[0] > 20_000)
    E = numpy_helper.to_array(inits[g.input[0]])
    rows, row = id_map(E, keep, nearest)
    inits[g.input[0]].CopyFrom(numpy_helper.from_array(E[rows], g.input[0]))
    m.graph.initializer.append(numpy_helper.from_array(row, "vocab_row"))
    m.graph.node.insert(0, helper.make_node("Gather", ["vocab_row", g.input[1]], ["vocab_ids"], name="VocabMap", axis=0))
    g.input[1] = "vocab_ids"
    onnx.save(m, str(dest))

def fuse(src:Path, dest:Path, attention:bool=True):
    "ONNX Runtime's transformer fusions, the embedding left as a Gather (so that it can be quantized block-wise); `attention=False`: Q, K, V stay MatMuls (quantizable)."
    from onnxruntime.transformers.optimizer import optimize_model
    from onnxruntime.transformers.fusion_options import FusionOptions
    opts = FusionOptions("bert"); opts.enable_embed_layer_norm = False; opts.enable_attention = attention
    optimize_model(str(src), model_type="bert", num_heads=12, hidden_size=384, optimization_options=opts).save_model_to_file(str(dest))

def nbits(src:Path, dest:Path, bits:int, block:int, gather_bits:int|None, attention_bits:int|None=None):
    "Weight-only block quantization: MatMulNBits at `bits` (the attention's at `attention_bits` if given), and the embeddings at `gather_bits` (4, the only width ORT's quantizer takes for Gather; None: left fp32)."
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer, DefaultWeightOnlyQuantConfig
    m = onnx.load(str(src))
    others = [n.name for n in m.graph.node if n.op_type == "MatMul" and "/attention/" not in n.name]
    passes = ([(("MatMul",), attention_bits, others)] if attention_bits else []) + [(("MatMul",), bits, []), (("Gather",), gather_bits, [])]
    for ops, b, skip in passes:
        if b is None: continue
        cfg = DefaultWeightOnlyQuantConfig(block_size=block, is_symmetric=True, accuracy_level=4, op_types_to_quantize=ops, quant_axes=(("MatMul", 0), ("Gather", 1)), bits=b)
        q = MatMulNBitsQuantizer(m, algo_config=cfg, nodes_to_exclude=["VocabMap", *skip]); q.process(); m = q.model.model
    onnx.save(m, str(dest))

def score(path:Path, splits:dict) -> dict:
    "Size, accuracy on each split (one query at a time) and p50 latency of single test queries."
    so = ort.SessionOptions(); so.intra_op_num_threads = os.cpu_count()
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}
    def run(ids):
        x = np.array([ids], dtype=np.int64); feed = {"input_ids": x, "attention_mask": np.ones_like(x)}
        if "token_type_ids" in names: feed["token_type_ids"] = np.zeros_like(x)
        return int(sess.run(None, feed)[0].argmax(-1)[0])
    out = dict(size_mb=round(path.stat().st_size / 2**20, 2))
    for s, (seqs, y) in splits.items():
        times, pred = [], []
        for ids in seqs:
            t0 = time.perf_counter(); pred.append(run(ids)); times.append(time.perf_counter() - t0)
        out[s] = round(float((np.array(pred) == y).mean()), 4)
    out["p50_ms"] = round(1000 * float(np.median(times)), 3)
    out["ops"] = dict(Counter(n.op_type for n in onnx.load(str(path)).graph.node if n.op_type in ("MatMulNBits", "GatherBlockQuantized", "MatMulInteger", "DynamicQuantizeMatMul", "QAttention", "Attention")))
    return out

def common_word_ids(tok, n:int) -> list[int]:
    "Token ids of the `n` most frequent English words (wordfreq)."
    from wordfreq import top_n_list
    return sorted({i for e in tok.encode_batch(top_n_list("en", n), add_special_tokens=False) for i in e.ids})

if __name__ == "__main__":
    args = sys.argv[1:]; words = None
    if "--words" in args: i = args.index("--words"); words = [int(x) for x in args[i + 1].split(",")]; del args[i:i + 2]
    mixed = "--mixed" in args  # with --words: the nearest-row map only, and 4-bit variants that spend more bits where they may matter
    if mixed: args.remove("--mixed")
    study = Path(args[0]) if args else cache_dir("studies", "full")
    ds = study_data(preset("full"))
    tok = Tokenizer.from_file(str(study/"onnx/fp32/tokenizer.json")); tok.no_padding(); tok.no_truncation()
    enc = lambda texts: [e.ids for e in tok.encode_batch(list(texts))]
    splits = {s: (enc(ds[s]["text"]), np.array(ds[s]["intent"])) for s in ("validation", "test")}
    train_ids = sorted(Counter(i for ids in enc(ds["train"]["text"]) for i in ids))
    unseen = sum(any(i not in set(train_ids) for i in ids) for ids in splits["test"][0])
    print(json.dumps(dict(train_token_ids=len(train_ids), test_queries_with_unseen_ids=unseen, test_queries=len(splits["test"][0]))), flush=True)
    print(json.dumps(dict(model="study int8 (dynamic, fused)", **score(study/"onnx/int8/model.onnx", splits))), flush=True)
    if words:
        with tempfile.TemporaryDirectory() as d:
            d, fp32 = Path(d), study/"onnx/fp32/model.onnx"
            for n in words:
                keep = sorted(set(train_ids) | set(common_word_ids(tok, n)))
                for vocab in (("nearest",) if mixed else ("unk", "nearest")):
                    prune_vocab(fp32, d/"pruned.onnx", keep, vocab == "nearest"); fuse(d/"pruned.onnx", d/"src.onnx", attention=False)
                    grid = {"8-bit attention, 4-bit other MatMuls, blocks of 32": (4, 32, 8), "4-bit MatMuls, blocks of 16": (4, 16, None)} if mixed else {f"{b}-bit MatMuls": (b, 32, None) for b in (8, 4)}
                    for name, (bits, block, abits) in grid.items():
                        nbits(d/"src.onnx", d/"q.onnx", bits, block, 4, abits)
                        print(json.dumps(dict(model=f"train ids + {n:,} English words ({len(keep):,} rows), {vocab}, unfused attention, {name}, 4-bit embeddings", **score(d/"q.onnx", splits))), flush=True)
        sys.exit()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d); fp32 = study/"onnx/fp32/model.onnx"
        for vocab in ("full", "unk", "nearest"):
            for attention in (True, False):
                src = d/f"{vocab}-{attention}.onnx"
                if vocab == "full": fuse(fp32, src, attention)
                else: prune_vocab(fp32, d/"pruned.onnx", train_ids, vocab == "nearest"); fuse(d/"pruned.onnx", src, attention)
                for name, (bits, block, gbits) in {"8-bit MatMuls, fp32 embeddings": (8, 32, None), "8-bit MatMuls, 4-bit embeddings": (8, 32, 4),
                                                   "4-bit MatMuls, 4-bit embeddings": (4, 32, 4), "4-bit MatMuls, 4-bit embeddings, blocks of 128": (4, 128, 4)}.items():
                    model = f"vocab {vocab}, {'fused attention (Q, K, V fp32)' if attention else 'unfused attention'}, {name}"
                    t = d/"q.onnx"
                    try: nbits(src, t, bits, block, gbits); print(json.dumps(dict(model=model, **score(t, splits))), flush=True)
                    except Exception as e: print(json.dumps(dict(model=model, error=repr(e)[:300])), flush=True)
