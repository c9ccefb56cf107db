"""A small late-interaction (ColBERT-style) encoder, sized to train and run on 2 CPU cores.

Token embedding + learned positions -> N pre-LayerNorm transformer layers -> linear projection -> L2 norm.
Attention is written out with plain matmuls (no nn.MultiheadAttention fast path) so the ONNX export is a simple,
portable graph, and padding positions are masked as keys so a text encodes the same in any batch.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    def __init__(self, vocab_size=30522, hidden=128, layers=2, heads=4, ffn=512, max_positions=512, dim=96,
                 dropout=0.1, activation="gelu"):
        self.vocab_size = vocab_size
        self.hidden = hidden
        self.layers = layers
        self.heads = heads
        self.ffn = ffn
        self.max_positions = max_positions
        self.dim = dim
        self.dropout = dropout
        # "gelu" (erf) or "silu". Debian's CPU torch evaluates erf-GELU about 10x slower than SiLU; the
        # default stays "gelu" so older checkpoints (saved without this field) load unchanged.
        self.activation = activation

    def to_dict(self):
        return dict(self.__dict__)

    @staticmethod
    def from_dict(d):
        return Config(**d)


class Dense(nn.Linear):
    """nn.Linear computed as matmul + bias: Debian's CPU torch runs addmm (what nn.Linear uses) far slower than
    a plain matmul (measured: a training step 40% faster). Same parameters and state-dict keys as nn.Linear."""

    def forward(self, x):
        y = torch.matmul(x, self.weight.t())
        return y if self.bias is None else y + self.bias


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.heads = cfg.heads
        self.head_dim = cfg.hidden // cfg.heads
        self.ln1 = nn.LayerNorm(cfg.hidden)
        self.qkv = Dense(cfg.hidden, 3 * cfg.hidden)
        self.out = Dense(cfg.hidden, cfg.hidden)
        self.ln2 = nn.LayerNorm(cfg.hidden)
        self.ff1 = Dense(cfg.hidden, cfg.ffn)
        self.ff2 = Dense(cfg.ffn, cfg.hidden)
        self.drop = nn.Dropout(cfg.dropout)
        self.act = F.silu if cfg.activation == "silu" else F.gelu

    def forward(self, x, bias):
        # x [B,T,H]; bias [B,1,1,T]: 0 for real keys, -1e4 for padding
        b, t, h = x.shape
        qkv = self.qkv(self.ln1(x)).view(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        # Scale q (small) rather than the scores (T x T); no dropout on attention weights: on CPU the T x T
        # elementwise passes cost more than the matmuls.
        q, k, v = qkv[0] * (1.0 / math.sqrt(self.head_dim)), qkv[1], qkv[2]
        att = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) + bias, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, h)
        x = x + self.drop(self.out(y))
        x = x + self.drop(self.ff2(self.act(self.ff1(self.ln2(x)))))
        return x


class ColbertEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.hidden)
        self.pos = nn.Embedding(cfg.max_positions, cfg.hidden)
        self.ln_in = nn.LayerNorm(cfg.hidden)
        self.layers = nn.ModuleList([Layer(cfg) for _ in range(cfg.layers)])
        self.ln_out = nn.LayerNorm(cfg.hidden)
        self.proj = Dense(cfg.hidden, cfg.dim, bias=False)
        self.drop = nn.Dropout(cfg.dropout)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, input_ids, attention_mask):
        """-> [B,T,dim] L2-normalized token vectors (every position; callers mask)."""
        t = input_ids.shape[1]
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.ln_in(self.tok(input_ids) + self.pos(positions)))
        bias = (1.0 - attention_mask.to(x.dtype)).unsqueeze(1).unsqueeze(2) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        y = self.proj(self.ln_out(x))
        # Normalized in the graph: the manifest says normalizedInGraph=true.
        return y / torch.clamp(torch.sqrt((y * y).sum(-1, keepdim=True)), min=1e-12)


def maxsim(q, q_mask, d, d_mask):
    """All-pairs MaxSim. q [Nq,Tq,D], q_mask [Nq,Tq]; d [Nd,Td,D], d_mask [Nd,Td] -> scores [Nq,Nd].

    q_mask marks the query vectors the engine keeps; d_mask the document vectors it keeps (attention and not
    skiplisted). A dropped document vector must never win the max, so it gets -inf before the max.
    """
    nq, tq, dim = q.shape
    nd, td, _ = d.shape
    # One big matmul over flattened tokens (no permuted copies of the [Nq,Tq,Nd,Td] similarity tensor).
    sim = torch.mm(q.reshape(nq * tq, dim), d.reshape(nd * td, dim).t()).view(nq, tq, nd, td)
    sim = sim + ((d_mask == 0).to(sim.dtype) * -1e4).view(1, 1, nd, td)
    best = sim.max(dim=-1).values  # [Nq,Tq,Nd]
    return (best * q_mask.to(best.dtype)[:, :, None]).sum(1)


def encode_grouped(model, ids, att, group=32):
    """model(ids, att) for a padded batch, computed in length-sorted groups so short texts are not padded to the
    longest one in the batch (padding never changes a text's vectors). Returns [N, T, dim], zeros on padding."""
    lengths = att.sum(1)
    order = torch.argsort(lengths, descending=True)
    out = None
    for s in range(0, ids.shape[0], group):
        idx = order[s:s + group]
        t = int(lengths[idx].max())
        v = model(ids[idx, :t], att[idx, :t])
        if out is None:
            out = v.new_zeros(ids.shape[0], ids.shape[1], v.shape[2])
        out = out.index_copy(0, idx, torch.nn.functional.pad(v, (0, 0, 0, ids.shape[1] - t)))
    return out


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
