"""Pair data: loading the miner's JSONL, tokenizing once, batching with padding.

A pair line is {"query": str, "document": str, "negatives": [str, ...] (up to 3), "language": str, ...}; the
document already has the engine's chunk form ("<path> <Container.Symbol>\\n" + code). Texts are tokenized and
packed once, with the exact engine packing (tokenizer.Packer), and cached by text, because negatives repeat.
"""

import json
import random

import torch


def read_jsonl(paths, limit=None, seed=0):
    """Pairs from JSONL files; with `limit`, a seeded random sample of that many (files may be sorted by
    language or repository, so the first lines are not a fair sample)."""
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                q = r.get("query")
                d = r.get("document") or r.get("positive")
                if not q or not d:
                    continue
                negs = [n for n in (r.get("negatives") or []) if isinstance(n, str) and n and n != d]
                rows.append({"query": q, "document": d, "negatives": negs[:3],
                             "language": r.get("language") or "unknown"})
    if limit and len(rows) > limit:
        rows = random.Random(seed).sample(rows, limit)
    return rows


class Encoded:
    """Pairs as packed id lists: queries[i], positives[i] (doc index), negatives[i] (doc indices)."""

    def __init__(self, rows, packer):
        self.packer = packer
        self.docs = []  # (ids, keep)
        self._doc_index = {}
        self.queries = []  # ids (all kept)
        self.positives = []
        self.negatives = []
        self.languages = []
        for r in rows:
            ids, _, _ = packer.query(r["query"])
            self.queries.append(ids)
            self.positives.append(self._doc(r["document"]))
            self.negatives.append([self._doc(n) for n in r["negatives"]])
            self.languages.append(r["language"])

    def _doc(self, text):
        i = self._doc_index.get(text)
        if i is None:
            ids, _, keep = self.packer.document(text)
            i = len(self.docs)
            self.docs.append((ids, keep))
            self._doc_index[text] = i
        return i

    def __len__(self):
        return len(self.queries)


def pad(seqs, pad_id=0):
    """-> ids [N,T] int64, attention [N,T] int64 (1 on real positions)."""
    t = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), t), pad_id, dtype=torch.long)
    att = torch.zeros((len(seqs), t), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)
        att[i, :len(s)] = 1
    return ids, att


def pad_docs(docs, pad_id=0):
    """docs: [(ids, keep)] -> ids, attention, keep mask [N,T] (0 on padding and skiplisted tokens)."""
    ids, att = pad([d[0] for d in docs], pad_id)
    keep = torch.zeros_like(att)
    for i, (_, k) in enumerate(docs):
        keep[i, :len(k)] = torch.tensor(k, dtype=torch.long)
    return ids, att, keep


class Batcher:
    """Random batches of pairs: B queries, their B positives and up to n_neg mined negatives each.

    Every query is scored against every document in the batch (in-batch negatives). A document that is the
    positive of another query in the batch is still a negative for this one: the mined data has one positive per
    query, so accidental duplicates are rare; exact duplicates are masked in the loss (same doc index).
    """

    def __init__(self, enc, batch_size, n_neg=3, seed=0):
        self.enc = enc
        self.b = batch_size
        self.n_neg = n_neg
        self.rng = random.Random(seed)
        self.order = []

    def next(self):
        if len(self.order) < self.b:
            more = list(range(len(self.enc)))
            self.rng.shuffle(more)
            self.order.extend(more)
        idx, self.order = self.order[:self.b], self.order[self.b:]
        doc_ids = []  # doc indices: positives first, then negatives
        for i in idx:
            doc_ids.append(self.enc.positives[i])
        for i in idx:
            negs = self.enc.negatives[i]
            # A fresh random subset of the mined negatives each time the pair comes round.
            doc_ids.extend(negs if len(negs) <= self.n_neg else self.rng.sample(negs, self.n_neg))
        q_ids, q_att = pad([self.enc.queries[i] for i in idx])
        d_ids, d_att, d_keep = pad_docs([self.enc.docs[j] for j in doc_ids])
        # same[q, n]: document n is (a copy of) query q's positive -> not a negative for q
        pos = torch.tensor([self.enc.positives[i] for i in idx])
        same = pos[:, None] == torch.tensor(doc_ids)[None, :]
        return q_ids, q_att, d_ids, d_att, d_keep, same
