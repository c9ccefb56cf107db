"""The Python tokenizer must reproduce golden_code_tokenization.json, which the C# engine test also checks."""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from make_golden import TEXTS  # noqa: E402
from tokenizer import Packer, WordPieceTokenizer, default_vocab_path, split_identifier  # noqa: E402


class TokenizerGoldenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(os.path.dirname(HERE), "golden_code_tokenization.json"), encoding="utf-8") as f:
            cls.golden = {it["id"]: it for it in json.load(f)["items"]}
        cls.tok = WordPieceTokenizer(default_vocab_path())
        cls.packer = Packer(cls.tok, document_max_length=256)

    def test_golden_covers_all_texts(self):
        self.assertEqual(sorted(n for n, _ in TEXTS), sorted(self.golden))

    def test_raw_ids_and_packing_match_golden(self):
        for name, text in TEXTS:
            with self.subTest(name=name):
                g = self.golden[name]
                self.assertEqual(g["text"], text)
                self.assertEqual(g["raw_ids"], self.tok.tokenize(text))
                self.assertEqual(list(self.packer.query(text)),
                                 [g["query"]["input_ids"], g["query"]["attention_mask"], g["query"]["output_mask"]])
                self.assertEqual(list(self.packer.document(text)), [g["document"]["input_ids"],
                                 g["document"]["attention_mask"], g["document"]["output_mask"]])

    def test_identifier_rule_examples(self):
        # The examples of models/README.md.
        self.assertEqual(split_identifier("XMLHttpRequest"), ["XML", "Http", "Request"])
        self.assertEqual(split_identifier("sha256sum"), ["sha", "256", "sum"])
        self.assertEqual(split_identifier("IOError"), ["IO", "Error"])
        self.assertEqual(split_identifier("ALLCAPS"), ["ALLCAPS"])
        self.assertEqual(split_identifier("lowercase"), ["lowercase"])

    def test_packing_limits(self):
        q_ids, q_att, q_keep = self.packer.query("word " * 100)
        self.assertEqual(len(q_ids), 32)
        self.assertEqual(q_ids[:2], [self.tok.cls_id, self.tok.vocab["[unused0]"]])
        self.assertEqual(q_ids[-1], self.tok.sep_id)
        d_ids, _, d_keep = self.packer.document("a . " * 300)
        self.assertEqual(len(d_ids), 256)
        self.assertEqual(d_ids[1], self.tok.vocab["[unused1]"])
        self.assertEqual(d_keep[2:6], [1, 0, 1, 0])  # "." is skiplisted


if __name__ == "__main__":
    unittest.main()
