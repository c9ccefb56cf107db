"""Read a model folder written by export.py back into the trainer's model: its Config and a state dict.

Why: a continuation run (`train.py --init`) needs the trained weights, and the checkpoint behind a committed
model (`best.pt`) lives only on the machine that trained it. The committed ONNX graph holds every weight, so
`--init models/default` continues from exactly the shipped model.

The exporter keeps parameter names for most initializers ("tok.weight", "layers.0.ln1.bias", ...). The weights
of the Dense layers (matmul with W^T) are constant-folded into anonymous, transposed MatMul initializers; they are
matched to the Dense layers in forward order (each layer's qkv, out, ff1, ff2, then proj), which is the order in
which the graph uses them. Shapes are checked on the way, and callers can check the result against the folder's
parity_vectors.json.
"""

import json
import math
import os

import torch

from model import ColbertEncoder, Config, Dense


def _onnx_path(folder):
    manifest_path = os.path.join(folder, "semsearch-model.json")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise ValueError("%s: no readable semsearch-model.json (%s)" % (folder, e)) from e
    return os.path.join(folder, manifest.get("onnx", "model.onnx"))


def load_model_folder(folder):
    """-> (Config, state_dict) of the model in `folder` (an export.py output). ValueError if the graph is not one
    export.py writes for model.py's encoder."""
    import onnx
    from onnx import numpy_helper

    path = _onnx_path(folder)
    try:
        graph = onnx.load(path).graph
    except Exception as e:  # noqa: BLE001 - any unreadable file gets the same plain message
        raise ValueError("%s: not a readable ONNX file (%s)" % (path, e)) from e
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}

    def need(name):
        if name not in inits:
            # (Or two parameters were exactly equal, e.g. untrained LayerNorms, and the exporter shared one.)
            raise ValueError("%s: no initializer %s; not a graph exported by export.py from a trained model" % (
                path, name))
        return inits[name]

    tok, pos = need("tok.weight"), need("pos.weight")
    layers = 0
    while "layers.%d.ln1.weight" % layers in inits:
        layers += 1
    if layers == 0:
        raise ValueError("%s: no transformer layers found; not a graph exported by export.py" % path)
    hidden, ffn = tok.shape[1], need("layers.0.ff1.bias").shape[0]
    # Attention scales q (qkv[0], a Gather) by 1/sqrt(head_dim): a scalar constant multiplied in layer 0.
    constants = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in graph.node if n.op_type == "Constant"}
    produced_by = {o: n.op_type for n in graph.node for o in n.output}
    scales = [float(constants[c]) for n in graph.node if n.op_type == "Mul" and n.name.startswith("/layers.0/")
              for c, other in ((n.input[1], n.input[0]), (n.input[0], n.input[1]))
              if c in constants and constants[c].size == 1 and constants[c].dtype.kind == "f"
              and produced_by.get(other) == "Gather"]
    if len(scales) != 1:
        raise ValueError("%s: cannot find the attention scale of layer 0" % path)
    head_dim = round(1.0 / (scales[0] ** 2))
    if head_dim <= 0 or hidden % head_dim or abs(scales[0] - 1.0 / math.sqrt(head_dim)) > 1e-6:
        raise ValueError("%s: attention scale %g does not fit hidden size %d" % (path, scales[0], hidden))
    ops = {n.op_type for n in graph.node}
    activation = "silu" if "Sigmoid" in ops else "gelu" if "Erf" in ops else None
    if activation is None:
        raise ValueError("%s: neither SiLU (Sigmoid) nor GELU (Erf) in the graph" % path)

    # Anonymous MatMul weights in the order the graph uses them.
    dense = []
    for n in graph.node:
        if n.op_type == "MatMul" and n.input[1] in inits and n.input[1] not in dense:
            dense.append(n.input[1])
    dim = inits[dense[-1]].shape[1] if dense else 0
    cfg = Config(vocab_size=tok.shape[0], hidden=hidden, layers=layers, heads=hidden // head_dim, ffn=ffn,
                 max_positions=pos.shape[0], dim=dim, activation=activation)
    model = ColbertEncoder(cfg)
    state = model.state_dict()
    dense_names = [name for name, m in model.named_modules() if isinstance(m, Dense)]
    if len(dense) != len(dense_names):
        raise ValueError("%s: %d weight matmuls, the encoder has %d dense layers" % (path, len(dense), len(dense_names)))
    loaded = {}
    for onnx_name, module in zip(dense, dense_names):
        loaded[module + ".weight"] = inits[onnx_name].t().contiguous()
    for name in state:
        if name not in loaded:
            loaded[name] = need(name)
    for name, value in loaded.items():
        if value.shape != state[name].shape:
            raise ValueError("%s: %s has shape %s, the encoder expects %s" % (
                path, name, tuple(value.shape), tuple(state[name].shape)))
    return cfg, loaded
