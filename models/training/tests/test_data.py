"""Training-data handling: search-style query rewriting, and documents with/without doc comments in batches."""

import json
import os
import random
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see train.py; before torch loads

from data import Batcher, Encoded, read_jsonl, web_style  # noqa: E402
from tokenizer import default_vocab_path  # noqa: E402
from train import make_packer  # noqa: E402


def row(i, with_doc=True):
    code = "pkg/f.py fn%d\ndef fn%d(x):\n    y = x + %d\n    return y" % (i, i, i)
    doc = code.replace("):\n", '):\n    """Add %d to x."""\n' % i, 1) if with_doc else code
    neg = "pkg/f.py other%d\ndef other%d(z):\n    return z * %d\n    pass" % (i, i, i)
    neg_doc = neg.replace("):\n", '):\n    """Multiply z by %d."""\n' % i, 1)
    return {"query": "Add %d to the given number." % i, "language": "python", "document": code,
            "document_with_doc": doc, "negatives": [code, neg], "negatives_with_doc": [doc, neg_doc]}


class WebStyleTest(unittest.TestCase):
    def test_rewrites_like_a_search_and_keeps_the_content_words(self):
        rng = random.Random(5)
        outs = [web_style("Return the number of lines in the given file.", rng) for _ in range(200)]
        for o in outs:
            self.assertFalse(o.endswith("."), o)
            for w in ("number", "lines", "file"):
                self.assertIn(w, o.split())
            self.assertNotIn("python", o.split())  # search drops a named language, so training never adds one
        self.assertTrue(any("the" not in o.split() for o in outs))
        self.assertEqual(web_style("Get x.", random.Random(1)), web_style("Get x.", random.Random(1)))

    def test_never_empties_a_short_query(self):
        rng = random.Random(2)
        for _ in range(50):
            self.assertTrue(web_style("The file.", rng).strip())


class DocCommentBatchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "pairs.jsonl")
        with open(self.path, "w") as f:
            for i in range(8):
                f.write(json.dumps(row(i)) + "\n")
        self.packer = make_packer(default_vocab_path())

    def tearDown(self):
        self.tmp.cleanup()

    def test_negative_equal_to_the_positive_is_dropped_with_its_doc_form(self):
        rows = read_jsonl([self.path])
        self.assertEqual(len(rows[0]["negatives"]), 1)
        self.assertEqual(len(rows[0]["negatives_with_doc"]), 1)
        self.assertIn('"""Multiply z by 0."""', rows[0]["negatives_with_doc"][0])
        self.assertIn("def other0", rows[0]["negatives"][0])

    def test_batches_mix_both_forms_and_never_count_the_other_form_as_a_negative(self):
        enc = Encoded(read_jsonl([self.path]), self.packer, doc_comments=0.5)
        self.assertEqual(len(enc.docs), 8 * 4)  # each positive and negative in both forms
        seen_plain, seen_doc = set(), set()
        for _ in range(30):
            q_ids, q_att, d_ids, d_att, d_keep, same = Batcher(enc, 8, n_neg=1, seed=_).next()
            self.assertEqual(tuple(same.shape), (8, 16))
            for r in range(8):
                self.assertTrue(bool(same[r, r]))  # the positive column, whichever form it took
            self.assertEqual(int(same.sum()), 8)
            # A query's positive and its mined negative take the same form.
            b = Batcher(enc, 8, n_neg=1, seed=_)
            b.order = list(range(8))
            _, _, d2, _, _, _ = b.next()
            for i in range(8):
                pos_doc = len([t for t in d2[i].tolist() if t]) > len(enc.docs[enc.positives[i]][0])
                neg_doc = len([t for t in d2[8 + i].tolist() if t]) > len(enc.docs[enc.negatives[i][0]][0])
                self.assertEqual(pos_doc, neg_doc)
            doc_texts = d_ids.tolist()
            for i in range(8):
                ids = [t for t in doc_texts[i] if t != 0]
                (seen_doc if len(ids) > len(enc.docs[enc.positives[0]][0]) + 2 else seen_plain).add(i)
        self.assertTrue(seen_plain and seen_doc)

    def test_without_doc_comments_only_the_plain_forms_are_tokenized(self):
        enc = Encoded(read_jsonl([self.path]), self.packer)
        self.assertEqual(len(enc.docs), 8 * 2)
        _, _, d_ids, _, _, same = Batcher(enc, 8, n_neg=1, seed=0).next()
        self.assertEqual(int(same.sum()), 8)

    def test_web_queries_rewrite_that_fraction(self):
        rows = read_jsonl([self.path]) * 25
        plain = Encoded(rows, self.packer)
        web = Encoded(rows, self.packer, web_queries=0.5, seed=3)
        changed = sum(1 for a, b in zip(plain.queries, web.queries) if a != b)
        self.assertTrue(60 <= changed <= 140, changed)


if __name__ == "__main__":
    unittest.main()
