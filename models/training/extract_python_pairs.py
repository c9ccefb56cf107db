#!/usr/bin/python3
"""Development data: (docstring summary -> function) pairs from a local Python source tree.

Used to bring the pipeline up before the miner's data exists, and as a fallback supplement. Each pair has the
miner's format: {"query", "document", "negatives", "language", "repo"}; the document is formatted as the engine
encodes a chunk ("<path> <Container.Symbol>\\n" + code) with the docstring removed, so the query is not copied
verbatim into the document. Negatives are other functions from the same file (cheap "hard" negatives).

usage: extract_python_pairs.py --root /usr/lib/python3.11 --out pairs.jsonl [--max 30000]
"""

import argparse
import ast
import json
import os
import random


def summary(doc):
    first = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return " ".join(first.split())


def functions(path, rel):
    try:
        src = open(path, encoding="utf-8").read()
        tree = ast.parse(src)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    lines = src.split("\n")
    out = []

    def visit(node, container):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, child.name)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(child)
                body = child.body
                start = child.lineno - 1 - len(child.decorator_list)
                end = child.end_lineno
                code_lines = lines[start:end]
                if doc and body and isinstance(body[0], ast.Expr):
                    # Drop the docstring lines from the code.
                    ds, de = body[0].lineno - 1, body[0].end_lineno
                    code_lines = lines[start:ds] + lines[de:end]
                code = "\n".join(code_lines)
                if len(code_lines) < 3 or len(code) > 3000:
                    continue
                symbol = "%s.%s" % (container, child.name) if container else child.name
                out.append({"doc": doc, "code": code, "header": "%s %s\n" % (rel, symbol)})
    visit(tree, None)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default="/usr/lib/python3.11")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max", type=int, default=30000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pairs = []
    for dirpath, dirnames, filenames in os.walk(args.root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("test", "tests", "site-packages", "dist-packages",
                                                               "__pycache__", "idlelib"))
        for fn in sorted(filenames):
            if not fn.endswith(".py"):
                continue
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, args.root)
            fs = functions(path, rel)
            docs = [f["header"] + f["code"] for f in fs]
            for i, f in enumerate(fs):
                if not f["doc"]:
                    continue
                q = summary(f["doc"])
                if len(q) < 12 or len(q.split()) < 3:
                    continue
                others = [d for j, d in enumerate(docs) if j != i]
                rng.shuffle(others)
                pairs.append({"query": q, "document": docs[i], "negatives": others[:3], "language": "python",
                              "repo": "cpython-stdlib"})
    rng.shuffle(pairs)
    with open(args.out, "w", encoding="utf-8") as fo:
        for p in pairs[:args.max]:
            fo.write(json.dumps(p) + "\n")
    print("wrote %d pairs to %s" % (min(len(pairs), args.max), args.out))


if __name__ == "__main__":
    main()
