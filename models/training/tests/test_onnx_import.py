"""onnx_import: a model folder read back gives the exporter's weights exactly, and the shipped model read back
reproduces its own parity_vectors.json (the torch outputs recorded at export)."""

import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see train.py; before torch loads

import torch  # noqa: E402

import export  # noqa: E402
import train  # noqa: E402
from model import ColbertEncoder, Config  # noqa: E402
from onnx_import import load_model_folder  # noqa: E402

DEFAULT_MODEL = os.path.join(os.path.dirname(os.path.dirname(HERE)), "default")


class OnnxImportTest(unittest.TestCase):
    def test_round_trip_gives_the_exported_weights(self):
        # Not the default shape (3 layers, 2 heads, gelu, dim 64), so nothing is taken from defaults.
        cfg = Config(hidden=64, layers=3, heads=2, ffn=96, dim=64, activation="gelu")
        torch.manual_seed(3)
        model = ColbertEncoder(cfg)
        # Trained weights all differ; at initialization the LayerNorms are all ones and zeros, and the exporter
        # would share one initializer between equal tensors.
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.05)
        with tempfile.TemporaryDirectory() as tmp:
            ck = os.path.join(tmp, "m.pt")
            torch.save({"config": cfg.to_dict(), "state_dict": model.state_dict(), "args": {"vocab": None}}, ck)
            folder = os.path.join(tmp, "folder")
            export.export(ck, folder, vocab=train.default_vocab_path())
            got_cfg, state = load_model_folder(folder)
        self.assertEqual(got_cfg.to_dict(), cfg.to_dict())
        expected = model.state_dict()
        self.assertEqual(sorted(state), sorted(expected))
        for name, value in expected.items():
            self.assertTrue(torch.equal(state[name], value), name)

    def test_shipped_model_reproduces_its_parity_vectors(self):
        cfg, state = load_model_folder(DEFAULT_MODEL)
        model = ColbertEncoder(cfg)
        model.load_state_dict(state)
        model.eval()
        with open(os.path.join(DEFAULT_MODEL, "parity_vectors.json")) as f:
            items = json.load(f)["items"]
        self.assertEqual(len(items), 4)
        packer = train.make_packer(os.path.join(DEFAULT_MODEL, "vocab.txt"))
        with torch.no_grad():
            for item in items:
                ids, att, keep = (packer.query if item["kind"] == "query" else packer.document)(item["text"])
                self.assertEqual(ids, item["input_ids"])
                v = model(torch.tensor([ids]), torch.tensor([att]))[0][torch.tensor(keep, dtype=torch.bool)]
                self.assertLess(float((v - torch.tensor(item["vectors"])).abs().max()), 1e-5, item["text"])

    def test_folder_without_manifest_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaisesRegex(ValueError, "semsearch-model.json"):
                load_model_folder(tmp)

    def test_train_init_from_model_folder_starts_at_the_shipped_weights(self):
        fixture = os.path.join(HERE, "fixtures", "tiny_pairs.jsonl")
        with tempfile.TemporaryDirectory() as tmp:
            summary, history = train.main([
                "--train", fixture, "--valid", fixture, "--out", os.path.join(tmp, "run"), "--init", DEFAULT_MODEL,
                "--max-steps", "1", "--eval-steps", "1000", "--minutes", "5", "--batch-size", "10",
                "--dropout", "0", "--seed", "1", "--keep-valid-overlap"])
        # The shipped model ranks the hand-written fixture pairs far above chance (random weights: about 0.1).
        self.assertGreater(history[0]["mrr@10"], 0.6, history)
        self.assertEqual(summary["steps"], 1)


if __name__ == "__main__":
    unittest.main()
