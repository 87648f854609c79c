"""PyTorch reference for models exported by `mvlm export` (one file, torch + numpy only: copy it).

    import mvlm_reference
    model = mvlm_reference.load("export_dir")
    ids, attention = model.tokenize(["a red circle left of a blue square"])
    text = model.encode_text(ids, attention)    # [B, E] float32, unit norm
    image = model.encode_image(pixels)          # pixels [B, H, W, 3] float in [0, 1] -> [B, E]
    scores = model.logit_scale.exp() * image @ text.T

`read_safetensors(path)` reads any safetensors file (e.g. the output of `mvlm embed`) into numpy.
The layouts and the tokenizer's algorithm are spelled out in mvlm's lib/interop/README.md.
"""

import json
import os
import re
import struct
import unicodedata

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["load", "read_safetensors", "MvlmModel", "MvlmTokenizer"]

FORMAT = "mvlm-export"
FORMAT_VERSION = 1

_NUMPY_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
    "I16": np.int16, "I8": np.int8, "U8": np.uint8, "U16": np.uint16, "U32": np.uint32, "BOOL": np.bool_,
}


def read_safetensors(path):
    """(tensors: dict name -> numpy array, metadata: dict str -> str) of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=_NUMPY_DTYPES[e["dtype"]])
        tensors[name] = array.reshape(e["shape"]).copy()
    return tensors, metadata


# ---------------------------------------------------------------------------------------------
# Tokenizer: mvlm's SubwordTokenizer (lib/data/tokenizer.ts) over its SentencePiece encoder
# (lib/data/sentencepiece.ts), quirks included, so the ids are exactly mvlm's.

_WORD = "\u2581"
# JavaScript's \s (WhiteSpace + LineTerminator), which differs from Python's
_JS_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def normalise_text(text):
    """NFKC, lowercase, astral characters -> U+FFFD, controls -> space, whitespace collapsed, trimmed."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _ASTRAL.sub("\ufffd", t)
    t = _CONTROL.sub(" ", t)
    return _JS_SPACE.sub(" ", t).strip(" ")


def _utf16_units(s):
    """The string as JavaScript sees it: one symbol per UTF-16 code unit."""
    b = s.encode("utf-16-le", "surrogatepass")
    return [b[i:i + 2] for i in range(0, len(b), 2)]


class MvlmTokenizer:
    """Reads tokenizer.json; `encode(captions)` gives mvlm's ids and attention, [B, max_length] int64."""

    def __init__(self, spec):
        if spec.get("format") != "mvlm-subword-tokenizer":
            raise ValueError(f"tokenizer.json: not an mvlm tokenizer (format {spec.get('format')!r})")
        self.pieces = [(p, float(s)) for p, s in spec["pieces"]]
        special = spec["special_tokens"]
        self.pad_id, self.unk_id = special["pad"]["id"], special["unk"]["id"]
        self.cls_id, self.sep_id = special["cls"]["id"], special["sep"]["id"]
        self.max_length = spec["max_length"]
        reserved = len(special)
        # piece 0 ([PAD]) stands in for an unknown symbol in the backward pass: one code unit long
        self._lengths = [1 if i == 0 else len(_utf16_units(p)) for i, (p, _) in enumerate(self.pieces)]
        self._trie = {}
        for i in range(reserved, len(self.pieces)):
            units = _utf16_units(self.pieces[i][0])
            if not units:
                continue
            node = self._trie
            for u in units:
                node = node.setdefault(u, {})
            node[None] = (len(units), self.pieces[i][1], i)  # a repeated piece: the later id wins

    def _segment(self, text):
        """SentencePiece Viterbi as mvlm runs it: 0 = unknown (runs of unknown symbols give one 0)."""
        s = unicodedata.normalize("NFKC", text)
        if s:
            s = _WORD + s.replace(" ", _WORD)
        symbols = _utf16_units(s)
        n = len(symbols)
        ending = [[] for _ in range(n + 1)]
        for start in range(n):
            found = []
            node = self._trie.get(symbols[start])
            i = start
            while node is not None:
                if None in node:
                    found.append(node[None])
                node = node.get(symbols[i + 1]) if i + 1 < n else None
                i += 1
            for length, score, pid in found or [(1, 0.0, 0)]:
                ending[start + length].append((start, score, pid))
        best = [0.0] * (n + 1)
        best_id = [0] * (n + 1)
        for end in range(n + 1):
            for start, score, pid in ending[end]:
                total = score + best[start]
                if best[end] == 0 or total >= best[end]:  # a path score of exactly 0 counts as unset
                    best[end], best_id[end] = total, pid
        out = []
        at = n
        while at > 0:
            pid = best_id[at]
            if not (pid == 0 and out and out[-1] == 0):
                out.append(pid)
            at -= self._lengths[pid]
        return out[::-1]

    def tokenize(self, text):
        """Piece ids of one text, no specials; unknown characters become [UNK]."""
        return [self.unk_id if i == 0 else i for i in self._segment(normalise_text(text))]

    def encode(self, captions, max_length=None):
        T = max_length or self.max_length
        ids = np.full((len(captions), T), self.pad_id, dtype=np.int64)
        attention = np.zeros((len(captions), T), dtype=np.int64)
        for b, caption in enumerate(captions):
            row = [self.cls_id] + self.tokenize(caption)[: T - 2] + [self.sep_id]
            ids[b, : len(row)] = row
            attention[b, : len(row)] = 1
        return torch.from_numpy(ids), torch.from_numpy(attention)


# ---------------------------------------------------------------------------------------------
# Model: timm-style pre-LayerNorm ViT blocks; names equal the exported tensor names.


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, bias=None):
        B, T, D = x.shape
        H = self.heads
        # [B, T, 3D] -> 3 x [B, H, T, D/H]
        q, k, v = (t.reshape(B, T, H, D // H).transpose(1, 2) for t in self.qkv(x).split(D, dim=-1))
        scores = (q * (D // H) ** -0.5) @ k.transpose(-1, -2)  # [B, H, T, T]
        if bias is not None:
            scores = scores + bias
        out = scores.softmax(-1) @ v  # [B, H, T, D/H]
        return self.proj(out.transpose(1, 2).reshape(B, T, D))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))  # exact (erf) GELU


class Block(nn.Module):
    def __init__(self, spec):
        super().__init__()
        dim, eps = spec["width"], spec["layer_norm_eps"]
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, spec["heads"])
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, spec["mlp_dim"])

    def forward(self, x, bias=None):
        x = x + self.attn(self.norm1(x), bias)
        return x + self.mlp(self.norm2(x))


class Encoder(nn.Module):
    """Blocks and the final LayerNorm (a tower's `blocks.*` and `norm.*`)."""

    def __init__(self, spec):
        super().__init__()
        self.blocks = nn.ModuleList(Block(spec) for _ in range(spec["depth"]))
        self.norm = nn.LayerNorm(spec["width"], eps=spec["layer_norm_eps"])

    def encode(self, x, bias=None):
        for block in self.blocks:
            x = block(x, bias)
        return self.norm(x)


class PatchEmbed(nn.Module):
    def __init__(self, spec):
        super().__init__()
        p = spec["patch_size"]
        self.proj = nn.Conv2d(spec["channels"], spec["width"], kernel_size=p, stride=p)

    def forward(self, x):  # [B, C, H, W] -> [B, N, D], patches row-major
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTower(Encoder):
    def __init__(self, spec, single_stream):
        super().__init__(spec)
        D, grid = spec["width"], spec["image_size"] // spec["patch_size"]
        self.spec = spec
        self.patch_embed = PatchEmbed(spec)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        self.pos_embed = nn.Parameter(torch.zeros(1, grid * grid, D))
        self.type_embed = nn.Parameter(torch.zeros(1, 1, D)) if single_stream else None
        self.register_buffer("mean", torch.tensor(spec["image_mean"], dtype=torch.float32), persistent=False)
        self.register_buffer("std", torch.tensor(spec["image_std"], dtype=torch.float32), persistent=False)

    def forward(self, pixels):
        """pixels [B, H, W, C] in [0, 1] -> pooled [B, D]"""
        S, C = self.spec["image_size"], self.spec["channels"]
        if pixels.dim() != 4 or tuple(pixels.shape[1:]) != (S, S, C):
            raise ValueError(f"encode_image: pixels are {list(pixels.shape)}, expected [B, {S}, {S}, {C}] in [0, 1]")
        x = ((pixels - self.mean) / self.std).permute(0, 3, 1, 2)
        x = self.patch_embed(x) + self.pos_embed  # CLS gets no position
        if self.type_embed is not None:
            x = x + self.type_embed  # patches only, as mvlm's single stream
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        h = self.encode(x)
        return h[:, 0] if self.spec["pooling"] == "cls" else h[:, 1:].mean(1)


class TextTower(Encoder):
    def __init__(self, spec, single_stream, mask_value):
        super().__init__(spec)
        D = spec["width"]
        self.mask_value = mask_value
        self.token_embedding = nn.Embedding(spec["vocab_size"], D)
        self.pos_embed = nn.Parameter(torch.zeros(1, spec["max_positions"], D))
        self.type_embed = nn.Parameter(torch.zeros(1, 1, D)) if single_stream else None

    def forward(self, ids, attention):
        """ids [B, T] int64, attention [B, T] (1 = real token) -> pooled [B, D] (the [CLS] state)"""
        if ids.shape != attention.shape:
            raise ValueError(f"encode_text: ids {list(ids.shape)} and attention {list(attention.shape)} differ")
        T = ids.shape[1]
        if T > self.pos_embed.shape[1]:
            raise ValueError(f"encode_text: {T} tokens, the tower has {self.pos_embed.shape[1]} positions")
        x = self.token_embedding(ids.long()) + self.pos_embed[:, :T]
        if self.type_embed is not None:
            x = x + self.type_embed
        bias = (1 - attention.float())[:, None, None, :] * self.mask_value  # [B, 1, 1, T]
        return self.encode(x, bias)[:, 0]


class MvlmModel(nn.Module):
    def __init__(self, config, tokenizer=None):
        super().__init__()
        if config.get("format") != FORMAT or config.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"config.json: not an {FORMAT} v{FORMAT_VERSION} export "
                             f"(format {config.get('format')!r} v{config.get('format_version')!r})")
        self.config = config
        self.tokenizer = tokenizer
        single = config["single_stream"]
        self.eps = config["normalize_eps"]
        self.visual = VisionTower(config["vision"], single)
        self.text = TextTower(config["text"], single, config["attention_mask_value"])
        E = config["embed_dim"]
        self.visual_projection = nn.Linear(config["vision"]["width"], E, bias=False)
        self.text_projection = nn.Linear(config["text"]["width"], E, bias=False)
        self.logit_scale = nn.Parameter(torch.zeros(()))  # log scale, as trained
        self.logit_bias = nn.Parameter(torch.zeros(())) if config["logit_bias"] else None

    def _unit(self, x):
        return x / x.norm(dim=-1, keepdim=True).clamp_min(self.eps)

    def encode_image(self, pixels):
        """pixels [B, H, W, 3] float in [0, 1] (tensor or array) -> [B, E] unit norm"""
        return self._unit(self.visual_projection(self.visual(torch.as_tensor(pixels, dtype=torch.float32))))

    def encode_text(self, ids, attention):
        """ids [B, T] int64, attention [B, T] -> [B, E] unit norm"""
        return self._unit(self.text_projection(self.text(torch.as_tensor(ids), torch.as_tensor(attention))))

    def tokenize(self, captions):
        """captions: list[str] -> (ids [B, T] int64, attention [B, T] int64), exactly mvlm's"""
        if self.tokenizer is None:
            raise ValueError("this model was built without a tokenizer (load() reads tokenizer.json)")
        return self.tokenizer.encode(list(captions))


def load(export_dir, device="cpu"):
    """The model of an `mvlm export` folder, in eval mode, weights loaded strictly."""
    with open(os.path.join(export_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    with open(os.path.join(export_dir, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = MvlmTokenizer(json.load(f))
    model = MvlmModel(config, tokenizer)
    tensors, _ = read_safetensors(os.path.join(export_dir, "model.safetensors"))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
    return model.to(device).eval()
