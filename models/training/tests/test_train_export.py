"""CI smoke: ~20 training steps on the tiny fixture must lower the loss and raise MRR on the training pairs, and
the export must give a valid ONNX graph with dynamic [batch, sequence, dim] output."""

import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see train.py; before torch loads

import onnx  # noqa: E402
import torch  # noqa: E402

import export  # noqa: E402
import train  # noqa: E402

FIXTURE = os.path.join(HERE, "fixtures", "tiny_pairs.jsonl")


class SmokeTrainExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "run")
        # Training pairs double as validation pairs: the smoke test checks that the model learns them.
        cls.summary, cls.history = train.main([
            "--train", FIXTURE, "--valid", FIXTURE, "--out", cls.out, "--max-steps", "20", "--eval-steps", "20",
            "--minutes", "5", "--batch-size", "10", "--negatives", "2", "--lr", "3e-3", "--warmup", "1",
            "--dropout", "0", "--log-every", "5", "--seed", "1", "--keep-valid-overlap", "--keep-checkpoints"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_loss_decreases(self):
        self.assertEqual(self.summary["steps"], 20)
        self.assertLess(self.summary["loss_last5"], self.summary["loss_first5"] * 0.8)

    def test_mrr_on_training_pairs_improves(self):
        first, last = self.history[0]["mrr@10"], self.history[-1]["mrr@10"]
        self.assertGreater(last, first + 0.1, json.dumps(self.history))
        self.assertTrue(os.path.exists(os.path.join(self.out, "best.pt")))
        for h in self.history:  # --keep-checkpoints: one file per evaluation
            self.assertTrue(os.path.exists(os.path.join(self.out, "step%d.pt" % h["step"])), h)

    def test_init_continues_from_checkpoint(self):
        # A warm start must begin where the first run's best checkpoint ended, not from random weights.
        out = os.path.join(self.tmp.name, "continued")
        summary, history = train.main([
            "--train", FIXTURE, "--valid", FIXTURE, "--out", out, "--init", os.path.join(self.out, "best.pt"),
            "--max-steps", "1", "--eval-steps", "1000", "--minutes", "5", "--batch-size", "10", "--dropout", "0",
            "--seed", "1", "--keep-valid-overlap", "--hidden", "64"])
        self.assertAlmostEqual(history[0]["mrr@10"], max(h["mrr@10"] for h in self.history), places=4)
        self.assertEqual(summary["steps"], 1)
        with self.assertRaises(SystemExit):
            train.main(["--train", FIXTURE, "--valid", FIXTURE, "--out", out, "--init", FIXTURE, "--minutes", "1"])

    def test_export_is_valid_onnx_with_dynamic_shapes(self):
        folder = os.path.join(self.tmp.name, "model")
        path = export.export(os.path.join(self.out, "best.pt"), folder)
        model = onnx.load(path)
        onnx.checker.check_model(model)
        self.assertGreaterEqual(model.opset_import[0].version, 14)
        self.assertEqual([i.name for i in model.graph.input], ["input_ids", "attention_mask"])
        for i in model.graph.input:
            self.assertEqual(i.type.tensor_type.elem_type, onnx.TensorProto.INT64)
            self.assertEqual([d.dim_param for d in i.type.tensor_type.shape.dim], ["batch", "sequence"])
        out = model.graph.output[0]
        self.assertEqual(out.name, "token_embeddings")
        self.assertEqual(out.type.tensor_type.elem_type, onnx.TensorProto.FLOAT)
        dims = out.type.tensor_type.shape.dim
        self.assertEqual([dims[0].dim_param, dims[1].dim_param, dims[2].dim_value], ["batch", "sequence", 96])
        with open(os.path.join(folder, "semsearch-model.json")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest["dim"], 96)
        self.assertTrue(manifest["normalizedInGraph"])
        with open(os.path.join(folder, "parity_vectors.json")) as f:
            items = json.load(f)["items"]
        for it in items:
            for row in it["vectors"]:
                self.assertEqual(len(row), 96)
                self.assertAlmostEqual(sum(x * x for x in row), 1.0, places=4)
        self.assertLess(os.path.getsize(path), 25e6)

    def test_torch_output_is_padding_invariant(self):
        model, _ = export.load(os.path.join(self.out, "best.pt"))
        ids = torch.tensor([[101, 2, 2054, 2003, 102, 0, 0], [101, 2, 2054, 2003, 2023, 2005, 102]])
        att = (torch.arange(7)[None, :] < torch.tensor([[5], [7]])).long()
        with torch.no_grad():
            batch = model(ids, att)
            single = model(ids[:1, :5], att[:1, :5])
        self.assertLess(float((batch[0, :5] - single[0]).abs().max()), 1e-5)


if __name__ == "__main__":
    unittest.main()
