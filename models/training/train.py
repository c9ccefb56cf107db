#!/usr/bin/python3
"""Train the late-interaction code search encoder (model.py) on mined (query, document, negatives) pairs.

Loss: cross-entropy over MaxSim scores of each query against every document in the batch (its positive, the
other queries' positives and all mined hard negatives), scaled by a temperature. MaxSim is computed exactly as
the engine ranks: all query vectors ([CLS], marker, content, [SEP]; no [MASK] expansion) against the document
vectors the engine keeps (attention 1, not in the punctuation skiplist). Scores are divided by the query's
vector count so one temperature suits short and long queries (a per-query constant: rankings are unchanged).

Training is budgeted by wall-clock time (--minutes): the learning rate follows warmup + cosine over the time
budget, validation MRR@10 (each valid query ranked against a pool of valid documents) runs every
--eval-minutes, and the best checkpoint by MRR@10 (not by loss) is kept in OUT/best.pt.

usage: train.py --train a.jsonl [b.jsonl ...] --valid v.jsonl --out DIR --minutes 45
"""

import argparse
import json
import math
import os
import random
import sys
import time

# On a shared, oversubscribed machine, spinning OpenMP workers steal the CPU they wait for (measured here:
# 8.1 s/step spinning vs 5.1 s/step passive under load 5). Must be set before torch loads libgomp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import Batcher, Encoded, pad, pad_docs, read_jsonl  # noqa: E402
from model import ColbertEncoder, Config, count_parameters, encode_grouped, maxsim  # noqa: E402
from onnx_import import load_model_folder  # noqa: E402
from tokenizer import Packer, WordPieceTokenizer, default_vocab_path  # noqa: E402

QUERY_MAX, DOC_MAX = 32, 256


def make_packer(vocab):
    return Packer(WordPieceTokenizer(vocab, split_identifiers=True), query_marker="[unused0]",
                  query_max_length=QUERY_MAX, expand_with_mask=False, document_marker="[unused1]",
                  document_max_length=DOC_MAX)


@torch.no_grad()
def encode_docs(model, docs, batch=64):
    """-> list of [K_i, dim] tensors holding only the kept vectors (what the engine stores)."""
    out = [None] * len(docs)
    order = sorted(range(len(docs)), key=lambda i: len(docs[i][0]))  # length-sorted: little padding
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        ids, att, keep = pad_docs([docs[i] for i in idx])
        v = model(ids, att)
        for r, i in enumerate(idx):
            out[i] = v[r][keep[r].bool()]
    return out


@torch.no_grad()
def encode_queries(model, queries, batch=256):
    out = []
    for s in range(0, len(queries), batch):
        ids, att = pad(queries[s:s + batch])
        v = model(ids, att)
        for r in range(ids.shape[0]):
            out.append(v[r][att[r].bool()])
    return out


@torch.no_grad()
def mrr_at_10(model, enc, n_queries=1000, pool=1000):
    """MRR@10 and recall@10: the first n_queries valid queries ranked against the first `pool` distinct
    positive documents (every query's own positive is in the pool)."""
    was_training = model.training
    model.eval()
    n = min(n_queries, len(enc))
    doc_idx = []
    seen = set()
    for i in range(len(enc)):
        d = enc.positives[i]
        if i < n or len(doc_idx) < pool:
            if d not in seen:
                seen.add(d)
                doc_idx.append(d)
        if i >= n and len(doc_idx) >= pool:
            break
    col = {d: c for c, d in enumerate(doc_idx)}
    dvecs = encode_docs(model, [enc.docs[d] for d in doc_idx])
    # Kept vectors in length-sorted groups, padded per group with a -1e4 bias, so scoring is plain matmuls
    # and contiguous max reductions (scatter-based segment max is single-threaded and far slower).
    order = sorted(range(len(dvecs)), key=lambda c: dvecs[c].shape[0])
    groups = []
    for s in range(0, len(order), 128):
        cols = order[s:s + 128]
        k = max(dvecs[c].shape[0] for c in cols)
        g = torch.zeros(len(cols), k, dvecs[cols[0]].shape[1])
        bias = torch.full((len(cols), k), -1e4)
        for r, c in enumerate(cols):
            g[r, :dvecs[c].shape[0]] = dvecs[c]
            bias[r, :dvecs[c].shape[0]] = 0.0
        groups.append((torch.tensor(cols), g.reshape(-1, g.shape[2]), bias, k))
    qvecs = encode_queries(model, enc.queries[:n])
    rr, hits = 0.0, 0
    for s in range(0, n, 32):
        qs = qvecs[s:s + 32]
        qflat = torch.cat(qs)
        best = torch.empty(qflat.shape[0], len(doc_idx))
        for cols, flat, bias, k in groups:
            sims = (qflat @ flat.T).view(qflat.shape[0], len(cols), k) + bias
            best[:, cols] = sims.max(-1).values
        r0 = 0
        for j, q in enumerate(qs):
            scores = best[r0:r0 + q.shape[0]].sum(0)
            r0 += q.shape[0]
            target = col[enc.positives[s + j]]
            rank = int((scores > scores[target]).sum()) + 1
            if rank <= 10:
                rr += 1.0 / rank
                hits += 1
    model.train(was_training)
    return rr / max(1, n), hits / max(1, n), len(doc_idx)


def loss_and_stats(model, batch, temperature):
    q_ids, q_att, d_ids, d_att, d_keep, same = batch
    q = model(q_ids, q_att)
    d = encode_grouped(model, d_ids, d_att)
    scores = maxsim(q, q_att, d, d_keep) / q_att.sum(1, keepdim=True).to(q.dtype)  # [B, Nd], mean cosine
    b = q_ids.shape[0]
    target = torch.arange(b)
    # Another copy of the positive is not a negative.
    off_target = same.clone()
    off_target[target, target] = False
    logits = (scores / temperature).masked_fill(off_target, -1e4)
    loss = F.cross_entropy(logits, target)
    with torch.no_grad():
        pos = scores[target, target]
        neg = scores.masked_fill(same, -1e4)
        hardest = neg.max(1).values
        stats = {"pos": pos.mean().item(), "neg": scores.masked_fill(same, float("nan")).nanmean().item(),
                 "hard": hardest.mean().item(), "viol": (hardest >= pos).float().mean().item()}
    return loss, stats


def lr_at(step, elapsed, budget, peak, warmup):
    warm = min(1.0, (step + 1) / warmup)
    frac = min(1.0, elapsed / budget)
    return peak * warm * (0.05 + 0.95 * 0.5 * (1.0 + math.cos(math.pi * frac)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--valid", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--vocab", default=default_vocab_path())
    ap.add_argument("--minutes", type=float, default=45.0,
                    help="wall-clock budget from process start, including tokenization and evaluations")
    ap.add_argument("--init", help="start from this checkpoint (best.pt of an earlier run) or model folder "
                    "(export.py output, e.g. models/default): its weights and architecture; "
                    "--hidden/--layers/--heads/--ffn/--dim/--activation are then ignored")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: time only)")
    ap.add_argument("--eval-minutes", type=float, default=5.0)
    ap.add_argument("--eval-steps", type=int, default=0, help="evaluate every N steps instead (tests)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--negatives", type=int, default=3, help="mined negatives per pair (0-3)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=512)
    ap.add_argument("--dim", type=int, default=96)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--activation", choices=["gelu", "silu"], default="silu")
    # Both off by default: a continuation of the shipped model with 0.5/0.5 lowered CoSQA dev (README, "Experiments").
    ap.add_argument("--doc-comments", type=float, default=0.0,
                    help="probability that a query's positive and mined negatives keep their doc comments, as the "
                         "engine indexes real code (needs the miner's document_with_doc; 0: never)")
    ap.add_argument("--web-queries", type=float, default=0.0,
                    help="fraction of training queries rewritten search-style (final period and some filler words dropped)")
    ap.add_argument("--keep-checkpoints", action="store_true",
                    help="also save every evaluated state as OUT/step<N>.pt, to compare them on other evals later")
    ap.add_argument("--valid-queries", type=int, default=1000)
    ap.add_argument("--valid-pool", type=int, default=1000)
    ap.add_argument("--max-train", type=int, default=0,
                    help="use a random sample of this many train pairs (a short budget sees only so many)")
    ap.add_argument("--max-per-language", type=int, default=0, help="cap train pairs per language (random)")
    ap.add_argument("--keep-valid-overlap", action="store_true", help="do not drop train pairs whose document is "
                    "a validation document (smoke tests that validate on the training pairs)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--log-every", type=int, default=20)
    args = ap.parse_args(argv)

    t0 = time.time()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    packer = make_packer(args.vocab)
    train_rows = read_jsonl(args.train, None if args.max_per_language else (args.max_train or None), args.seed)
    if args.max_per_language:
        # Cap each language, so a short run is not mostly the one or two largest languages.
        by_lang = {}
        for r in train_rows:
            by_lang.setdefault(r["language"], []).append(r)
        rng = random.Random(args.seed)
        train_rows = []
        for lang in sorted(by_lang):
            rows = by_lang[lang]
            train_rows.extend(rows if len(rows) <= args.max_per_language else rng.sample(rows, args.max_per_language))
        rng.shuffle(train_rows)
    valid_rows = read_jsonl(args.valid)
    # Validation files may be grouped by package: a seeded shuffle makes "the first N" a fair sample.
    random.Random(1).shuffle(valid_rows)
    # Never train on a validation document.
    valid_docs = {r["document"] for r in valid_rows}
    n_before = len(train_rows)
    if not args.keep_valid_overlap:
        train_rows = [r for r in train_rows if r["document"] not in valid_docs]
    if not train_rows:
        sys.exit("no training pairs left")
    langs = {}
    for r in train_rows:
        langs[r["language"]] = langs.get(r["language"], 0) + 1
    train = Encoded(train_rows, packer, doc_comments=args.doc_comments, web_queries=args.web_queries, seed=args.seed)
    valid = Encoded(valid_rows, packer)
    print("data: %d train pairs (%d dropped as valid overlap), %d valid pairs, %d train docs; languages %s; "
          "tokenized in %.0fs" % (len(train), n_before - len(train), len(valid), len(train.docs),
                                  json.dumps(dict(sorted(langs.items(), key=lambda kv: -kv[1]))), time.time() - t0),
          flush=True)

    init = None
    if args.init:
        # Warm start: a continuation run sees new pairs with a fresh warmup + cosine schedule.
        if os.path.isdir(args.init):
            # A model folder (models/default): the weights of its ONNX graph (the shipped model's best.pt stays on
            # the machine that trained it).
            try:
                folder_cfg, folder_state = load_model_folder(args.init)
            except ValueError as e:
                sys.exit("--init %s" % e)
            init = {"config": folder_cfg.to_dict(), "state_dict": folder_state, "step": "model folder"}
        else:
            try:
                init = torch.load(args.init, map_location="cpu")
                init["config"], init["state_dict"]
            except Exception as e:  # noqa: BLE001 - any unreadable file gets the same plain message
                sys.exit("--init %s: not a checkpoint written by train.py (%s)" % (args.init, e))
        cfg = Config(**init["config"])
        if cfg.vocab_size != len(packer.tok.id_to_token()):
            sys.exit("--init %s: vocabulary size %d does not match %s (%d)" % (
                args.init, cfg.vocab_size, args.vocab, len(packer.tok.id_to_token())))
        cfg.dropout = args.dropout
    else:
        cfg = Config(vocab_size=len(packer.tok.id_to_token()), hidden=args.hidden, layers=args.layers,
                     heads=args.heads, ffn=args.ffn, max_positions=512, dim=args.dim, dropout=args.dropout,
                     activation=args.activation)
    model = ColbertEncoder(cfg)
    if init is not None:
        model.load_state_dict(init["state_dict"])
        print("init: %s (step %s, validation MRR@10 %.4f)" % (args.init, init.get("step"), init.get("mrr@10", 0.0)),
              flush=True)
    print("model: %s, %d parameters" % (json.dumps(cfg.to_dict()), count_parameters(model)), flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "tok" not in n and "pos" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "tok" not in n and "pos" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    batcher = Batcher(train, args.batch_size, n_neg=args.negatives, seed=args.seed)

    # The budget counts from process start (tokenizing included): the run must END on time.
    budget = args.minutes * 60.0 - (time.time() - t0)
    history = []
    hist_path = os.path.join(args.out, "history.jsonl")
    open(hist_path, "w").close()
    best = -1.0
    start = time.time()
    last_eval_t = start
    avg_eval_s = 0.0
    eval_total = 0.0  # seconds spent evaluating, excluded from s/step

    def evaluate(step):
        nonlocal best, avg_eval_s, eval_total
        te = time.time()
        mrr, r10, pool = mrr_at_10(model, valid, args.valid_queries, args.valid_pool)
        dt = time.time() - te
        eval_total += dt
        avg_eval_s = max(avg_eval_s, dt)
        rec = {"step": step, "minutes": round((time.time() - start) / 60.0, 2), "mrr@10": round(mrr, 4),
               "recall@10": round(r10, 4), "pool": pool, "eval_s": round(dt, 1)}
        improved = mrr > best
        state = {"config": cfg.to_dict(), "state_dict": model.state_dict(), "step": step, "mrr@10": mrr,
                 "args": vars(args)}
        if improved:
            best = mrr
            torch.save(state, os.path.join(args.out, "best.pt"))
        if args.keep_checkpoints:
            torch.save(state, os.path.join(args.out, "step%d.pt" % step))
        rec["best"] = improved
        history.append(rec)
        with open(hist_path, "a") as f:
            f.write(json.dumps(rec) + "\n")
        print("eval %s" % json.dumps(rec), flush=True)

    evaluate(0)
    model.train()
    step = 0
    sums = {}
    losses = []
    while True:
        elapsed = time.time() - start
        # Leave room for the final evaluation inside the budget; on a shared machine an evaluation can take twice
        # as long as the slowest one so far.
        if elapsed + avg_eval_s * 2.0 + 10.0 >= budget or (args.max_steps and step >= args.max_steps):
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, elapsed, budget, args.lr, args.warmup)
        loss, stats = loss_and_stats(model, batcher.next(), args.temperature)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        losses.append(loss.item())
        for k, v in stats.items():
            sums[k] = sums.get(k, 0.0) + v
        if step % args.log_every == 0:
            n = args.log_every
            print("step %d  %.1fmin  lr %.2e  loss %.4f  pos %.3f  neg %.3f  hardest %.3f  viol %.3f  %.2fs/step" % (
                step, (time.time() - start) / 60, opt.param_groups[0]["lr"], sum(losses[-n:]) / n, sums["pos"] / n,
                sums["neg"] / n, sums["hard"] / n, sums["viol"] / n, (time.time() - start - eval_total) / step), flush=True)
            sums = {}
        due = (args.eval_steps and step % args.eval_steps == 0) or \
              (not args.eval_steps and time.time() - last_eval_t >= args.eval_minutes * 60)
        if due:
            evaluate(step)
            last_eval_t = time.time()
    if not history or history[-1]["step"] != step:
        evaluate(step)
    summary = {"steps": step, "train_minutes": round((time.time() - start) / 60, 2),
               "total_minutes": round((time.time() - t0) / 60, 2), "best_mrr@10": round(best, 4),
               "train_pairs": len(train), "valid_pairs": len(valid), "languages": langs,
               "valid_languages": {k: valid.languages.count(k) for k in sorted(set(valid.languages))},
               "train_files": args.train, "valid_files": args.valid, "train_documents": len(train.docs),
               "loss_first5": sum(losses[:5]) / max(1, len(losses[:5])) if losses else None,
               "loss_last5": sum(losses[-5:]) / max(1, len(losses[-5:])) if losses else None,
               "seconds_per_step": round((time.time() - start - eval_total) / max(1, step), 3),
               "command": " ".join([os.path.basename(sys.argv[0])] + (argv if argv is not None else sys.argv[1:]))}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("done %s" % json.dumps(summary), flush=True)
    return summary, history


if __name__ == "__main__":
    main()
