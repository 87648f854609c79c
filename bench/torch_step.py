"""The bench's reference step in PyTorch: the same model, objectives and batch shapes as
lib/bench/configs.ts (tiny / small), timed the same way (median of steps after warm-up).
  /usr/bin/python3 bench/torch_step.py --config tiny --steps 10 --threads 1,2
prints one JSON line per thread count: {"config", "threads", "stepMs", "torch", "losses"} (losses:
the first and last step's, so a caller can see the step trains).
Towers: patch/token embedding + positions, pre-LN blocks (MHSA, GELU MLP 4x), final LayerNorm;
CLIP on CLS through bias-free projections; MLM (15 %) with BERT's head on the masked rows only;
MAE (75 % masked) with a depth-0 decoder (embed, mask tokens, positions, LayerNorm, pred)."""
import argparse, json, math, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {"tiny": dict(width=128, depth=2, batch=32), "small": dict(width=256, depth=4, batch=64)}
IMAGE, PATCH, T, V, HEADS = 32, 8, 16, 1000, 4
N, P = (IMAGE // PATCH) ** 2, PATCH * PATCH * 3


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, HEADS, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x, pad=None):
        h = self.n1(x)
        x = x + self.attn(h, h, h, key_padding_mask=pad, need_weights=False)[0]
        return x + self.mlp(self.n2(x))


class Encoder(nn.Module):
    def __init__(self, d, depth):
        super().__init__()
        self.blocks, self.norm = nn.ModuleList(Block(d) for _ in range(depth)), nn.LayerNorm(d)

    def forward(self, x, pad=None):
        for b in self.blocks:
            x = b(x, pad)
        return self.norm(x)


class Model(nn.Module):
    def __init__(self, d, depth):
        super().__init__()
        self.patch, self.cls, self.ipos = nn.Linear(P, d), nn.Parameter(torch.zeros(1, 1, d)), nn.Parameter(torch.zeros(1, 1 + N, d), requires_grad=False)
        self.tok, self.tpos = nn.Embedding(V, d), nn.Parameter(torch.zeros(1, T, d))
        self.image, self.text = Encoder(d, depth), Encoder(d, depth)
        self.iproj, self.tproj = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.mlm = nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.LayerNorm(d), nn.Linear(d, V))
        self.dec_embed, self.mask_token, self.dec_norm, self.pred = nn.Linear(d, d), nn.Parameter(torch.zeros(1, 1, d)), nn.LayerNorm(d), nn.Linear(d, P)

    def encode_image(self, patches, keep=None):  # patches [B, N, P], keep [B, K] indices
        x = self.patch(patches) + self.ipos[:, 1:]
        if keep is not None:
            x = torch.gather(x, 1, keep[..., None].expand(-1, -1, x.shape[-1]))
        cls = (self.cls + self.ipos[:, :1]).expand(x.shape[0], -1, -1)
        return self.image(torch.cat([cls, x], 1))

    def encode_text(self, ids, pad):
        return self.text(self.tok(ids) + self.tpos, pad)

    def loss(self, patches, ids, pad, masked_ids, mlm_rows, mlm_labels, keep, restore, hidden_rows):
        B = patches.shape[0]
        img = F.normalize(self.iproj(self.encode_image(patches)[:, 0]), dim=-1)
        txt = F.normalize(self.tproj(self.encode_text(ids, pad)[:, 0]), dim=-1)
        logits = self.scale.exp() * img @ txt.t()
        labels = torch.arange(B)
        clip = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
        h = self.encode_text(masked_ids, pad).reshape(-1, self.tok.embedding_dim)
        mlm = F.cross_entropy(self.mlm(h[mlm_rows]), mlm_labels)
        v = self.dec_embed(self.encode_image(patches, keep))
        full = torch.cat([v[:, 1:], self.mask_token.expand(B, N - keep.shape[1], -1)], 1)
        full = torch.gather(full, 1, restore[..., None].expand(-1, -1, full.shape[-1])) + self.ipos[:, 1:]
        pred = self.pred(self.dec_norm(torch.cat([v[:, :1], full], 1))[:, 1:])
        mae = ((pred - patches) ** 2).mean(-1).reshape(-1)[hidden_rows].mean()
        return clip + mlm + mae


def batch(B, g):
    patches = torch.rand(B, N, P, generator=g)
    lengths = torch.randint(4, T + 1, (B,), generator=g)
    ids = torch.randint(5, V, (B, T), generator=g)
    pad = torch.arange(T)[None] >= lengths[:, None]
    ids[pad] = 0
    chosen = (torch.rand(B, T, generator=g) < 0.15) & ~pad
    chosen[:, 1] = True
    masked_ids = ids.masked_fill(chosen, 4)
    order = torch.rand(B, N, generator=g).argsort(1)
    keep, restore = order[:, : N // 4], order.argsort(1)
    hidden = torch.ones(B, N, dtype=torch.bool).scatter(1, keep, False).reshape(-1)
    return patches, ids, pad, masked_ids, chosen.reshape(-1).nonzero()[:, 0], ids.reshape(-1)[chosen.reshape(-1)], keep, restore, hidden.nonzero()[:, 0]


def time_step(name, steps, threads):
    torch.set_num_threads(threads)
    cfg = CONFIGS[name]
    torch.manual_seed(0)
    model = Model(cfg["width"], cfg["depth"])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    data = batch(cfg["batch"], torch.Generator().manual_seed(1))
    times, losses = [], []
    for i in range(steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = model.loss(*data)
        loss.backward()
        opt.step()
        if i >= 2:
            times.append(1000 * (time.perf_counter() - t0))
        losses.append(loss.item())
    return statistics.median(times), [losses[0], losses[-1]]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=sorted(CONFIGS), default="tiny")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    for k in (int(x) for x in a.threads.split(",")):
        ms, losses = time_step(a.config, a.steps, k)
        print(json.dumps({"config": a.config, "threads": k, "stepMs": ms, "torch": torch.__version__, "losses": losses}), flush=True)
