#!/usr/bin/python3
"""Build a tiny random-weight embedding model for SemanticSearch tests.

Writes DIR/model.onnx, DIR/vocab.txt (copied from the checkout's models/default, the bert-base-uncased vocabulary) and
DIR/semsearch-model.json. Needs python3-onnx and python3-numpy (Debian: apt-get install python3-onnx
python3-numpy); no torch.

Architecture (opset 17, dynamic batch and sequence axes):
    E   = Embedding[input_ids]                        # vocab 30522 x hidden 48, seeded N(0, 1)
    m   = attention_mask as float, [B, T, 1]
    ctx = sum_t(E * m) / max(sum_t(m), 1)             # masked mean over the text, [B, 1, 48]
    H   = E + 0.1 * ctx                               # small context term: context matters a little
    token_embeddings = H @ P                          # P: 48 x 32, seeded N(0, 1/48)

Each output vector is dominated by its own token's embedding, so the same token in two texts gives nearly the
same vector, and different tokens give nearly orthogonal ones. MaxSim over this model therefore behaves like
lexical matching on WordPiece tokens. It knows nothing about meaning, but it makes end-to-end search tests
(index, search, ranking, match explanations) meaningful without a real model. Padding positions (mask 0) do not
enter the context, so a text encodes the same in any batch.

--kind colbert: per-token vectors, PyLate-style packing (query [unused0], no [MASK] expansion, document
[unused1], maxLength 256, punctuation skiplist), identifier splitting on.
--kind dense: the same graph, mean-pooled by the engine and normalized; e5-style text prefixes.

The output is a pure function of --seed and the vocabulary (deterministic).
"""

import argparse
import json
import os
import shutil
import sys

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as e:  # the tests show this message verbatim
    sys.stderr.write("build_tiny_model.py needs numpy and onnx: apt-get install python3-onnx python3-numpy (%s)\n" % e)
    sys.exit(3)

VOCAB_SIZE = 30522
HIDDEN = 48
DIM = 32
CONTEXT_WEIGHT = 0.1
SKIPLIST = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def default_vocab():
    # <repo>/models/tiny-random/this.py -> <repo>/models/default/vocab.txt (a plain clone has it; nothing outside).
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(repo, "models", "default", "vocab.txt")


def build_graph(seed):
    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((VOCAB_SIZE, HIDDEN)).astype(np.float32)
    proj = (rng.standard_normal((HIDDEN, DIM)) / np.sqrt(HIDDEN)).astype(np.float32)

    inits = [
        numpy_helper.from_array(emb, "embedding"),
        numpy_helper.from_array(proj, "projection"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_seq"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis_last"),
        numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one"),
        numpy_helper.from_array(np.array(CONTEXT_WEIGHT, dtype=np.float32), "ctx_weight"),
    ]
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["E"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis_last"], ["mask3"]),
        helper.make_node("Mul", ["E", "mask3"], ["E_masked"]),
        helper.make_node("ReduceSum", ["E_masked", "axis_seq"], ["ctx_sum"], keepdims=1),
        helper.make_node("ReduceSum", ["mask3", "axis_seq"], ["count"], keepdims=1),
        helper.make_node("Max", ["count", "one"], ["count_safe"]),
        helper.make_node("Div", ["ctx_sum", "count_safe"], ["ctx"]),
        helper.make_node("Mul", ["ctx", "ctx_weight"], ["ctx_scaled"]),
        helper.make_node("Add", ["E", "ctx_scaled"], ["H"]),
        helper.make_node("MatMul", ["H", "projection"], ["token_embeddings"]),
    ]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
    ]
    outputs = [helper.make_tensor_value_info("token_embeddings", TensorProto.FLOAT, ["batch", "sequence", DIM])]
    graph = helper.make_graph(nodes, "tiny_random_encoder", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="semsearch-build_tiny_model")
    model.ir_version = 8  # readable by every ONNX Runtime since 1.10
    onnx.checker.check_model(model)
    return model


def manifest(kind, seed):
    colbert = kind == "colbert"
    return {
        "$schema": "https://semanticsearch.local/schemas/model-manifest.schema.json",
        "schemaVersion": 1,
        "name": "tiny-random-%s-s%d" % (kind, seed),
        "kind": kind,
        "onnx": "model.onnx",
        "tokenizer": {"type": "wordpiece", "vocab": "vocab.txt", "lowercase": True, "stripAccents": True,
                      "splitIdentifiers": True},
        "inputs": {"inputIds": "input_ids", "attentionMask": "attention_mask", "tokenTypeIds": None},
        "output": "token_embeddings",
        "dim": DIM,
        "projection": None,
        "normalizedInGraph": False,
        # No [MASK] query expansion: in a trained ColBERT the [MASK] outputs learn to expand the query, but here
        # they are ~28 copies of one random vector whose best match differs per document by chance, and that
        # noise would outweigh the query's real tokens. (Expansion itself is tested by flipping this flag.)
        "query": {"marker": "[unused0]" if colbert else None, "maxLength": 32, "expandWithMask": False,
                  "prefix": "" if colbert else "query: "},
        "document": {"marker": "[unused1]" if colbert else None, "maxLength": 256,
                     "skiplist": SKIPLIST if colbert else [], "prefix": "" if colbert else "passage: "},
        "pooling": "none" if colbert else "mean",
        "normalize": True,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--kind", choices=["colbert", "dense"], default="colbert")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--vocab", default=None, help="vocab.txt to copy (default: models/default/vocab.txt)")
    args = ap.parse_args()

    vocab = args.vocab or default_vocab()
    if not os.path.isfile(vocab):
        sys.stderr.write("vocab.txt not found at %s; pass --vocab PATH\n" % vocab)
        return 2
    with open(vocab, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != VOCAB_SIZE:
        sys.stderr.write("%s has %d tokens; the tiny model needs a %d-token BERT vocabulary\n" % (vocab, len(lines), VOCAB_SIZE))
        return 2

    os.makedirs(args.out, exist_ok=True)
    shutil.copyfile(vocab, os.path.join(args.out, "vocab.txt"))
    onnx.save(build_graph(args.seed), os.path.join(args.out, "model.onnx"))
    with open(os.path.join(args.out, "semsearch-model.json"), "w", encoding="utf-8") as f:
        json.dump(manifest(args.kind, args.seed), f, indent=2)
        f.write("\n")
    print("wrote %s model to %s" % (args.kind, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
