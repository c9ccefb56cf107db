#!/usr/bin/python3
"""Export a trained checkpoint to an engine model folder: model.onnx, vocab.txt, semsearch-model.json, plus
parity_vectors.json (torch outputs for a few texts, checked by the C# TrainedModelParityTests through ONNX Runtime).

The graph takes input_ids and attention_mask (int64 [batch, sequence], both axes dynamic) and returns
token_embeddings float32 [batch, sequence, dim], already projected and L2-normalized (normalizedInGraph: true).

usage: export.py --checkpoint RUN/best.pt --out models/default [--name semsearch-code-colbert-v1]
"""

import argparse
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import ColbertEncoder, Config  # noqa: E402
from tokenizer import SKIPLIST  # noqa: E402
from train import DOC_MAX, QUERY_MAX, make_packer  # noqa: E402

PARITY_QUERIES = [
    "validate an email address with a regular expression",
    "where is the HTTP retry backoff configured?",
]
PARITY_DOCUMENTS = [
    "src/mail/validate.py EmailValidator.is_valid\ndef is_valid(self, addr: str) -> bool:\n"
    "    return bool(EMAIL_RE.match(addr)) and len(addr) <= 254\n",
    "server/Http/RetryPolicy.cs RetryPolicy.NextDelay\npublic TimeSpan NextDelay(int attempt)\n{\n"
    "    // exponential backoff with jitter, capped at MaxDelay\n    var ms = Math.Min(MaxDelay.TotalMilliseconds, "
    "BaseDelay.TotalMilliseconds * Math.Pow(2, attempt));\n    return TimeSpan.FromMilliseconds(ms * (0.5 + "
    "_random.NextDouble() / 2));\n}\n",
]


def manifest(name, dim):
    return {
        "$schema": "../model-manifest.schema.json",
        "schemaVersion": 1,
        "name": name,
        "kind": "colbert",
        "onnx": "model.onnx",
        "tokenizer": {"type": "wordpiece", "vocab": "vocab.txt", "lowercase": True, "stripAccents": True,
                      "splitIdentifiers": True},
        "inputs": {"inputIds": "input_ids", "attentionMask": "attention_mask"},
        "output": "token_embeddings",
        "dim": dim,
        "normalizedInGraph": True,
        "query": {"marker": "[unused0]", "maxLength": QUERY_MAX, "expandWithMask": False, "prefix": ""},
        "document": {"marker": "[unused1]", "maxLength": DOC_MAX, "skiplist": SKIPLIST, "prefix": ""},
        "pooling": "none",
        "normalize": True,
    }


def load(checkpoint):
    ck = torch.load(checkpoint, map_location="cpu")
    model = ColbertEncoder(Config.from_dict(ck["config"]))
    model.load_state_dict(ck["state_dict"])
    model.eval()
    return model, ck


def export(checkpoint, out, name="semsearch-code-colbert-v1", vocab=None, opset=17):
    model, ck = load(checkpoint)
    os.makedirs(out, exist_ok=True)
    packer = make_packer(vocab or ck["args"]["vocab"])
    onnx_path = os.path.join(out, "model.onnx")
    ids = torch.tensor([packer.document(PARITY_DOCUMENTS[0])[0], packer.document(PARITY_DOCUMENTS[0])[0]])
    att = torch.ones_like(ids)
    with torch.no_grad():
        torch.onnx.export(model, (ids, att), onnx_path, input_names=["input_ids", "attention_mask"],
                          output_names=["token_embeddings"], opset_version=opset, do_constant_folding=True,
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "attention_mask": {0: "batch", 1: "sequence"},
                                        "token_embeddings": {0: "batch", 1: "sequence"}})
    import onnx
    onnx.checker.check_model(onnx.load(onnx_path))
    src_vocab = os.path.abspath(vocab or ck["args"]["vocab"])
    if src_vocab != os.path.abspath(os.path.join(out, "vocab.txt")):
        shutil.copyfile(src_vocab, os.path.join(out, "vocab.txt"))
    with open(os.path.join(out, "semsearch-model.json"), "w") as f:
        json.dump(manifest(name, model.cfg.dim), f, indent=2, ensure_ascii=False)
        f.write("\n")
    write_parity(model, packer, os.path.join(out, "parity_vectors.json"))
    return onnx_path


@torch.no_grad()
def write_parity(model, packer, path):
    """Kept vectors for each text, one text per forward pass (what the engine keeps after its masks)."""
    items = []
    for kind, texts in (("query", PARITY_QUERIES), ("document", PARITY_DOCUMENTS)):
        for text in texts:
            ids, att, keep = packer.query(text) if kind == "query" else packer.document(text)
            v = model(torch.tensor([ids]), torch.tensor([att]))[0]
            kept = v[torch.tensor(keep, dtype=torch.bool)]
            items.append({"kind": kind, "text": text, "input_ids": ids,
                          "vectors": [[round(float(x), 7) for x in row] for row in kept]})
    with open(path, "w") as f:
        json.dump({"about": "torch outputs of models/training/export.py for the C# ONNX parity test", "items": items},
                  f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="semsearch-code-colbert-v1")
    ap.add_argument("--vocab", default=None)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()
    path = export(args.checkpoint, args.out, args.name, args.vocab, args.opset)
    print("exported %s (%.1f MB)" % (path, os.path.getsize(path) / 1e6))


if __name__ == "__main__":
    main()
