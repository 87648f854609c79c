"""Parity of python/mvlm_reference.py with mvlm, run by test/interop/parity.test.ts.

    /usr/bin/python3 test/interop/check_parity.py CASES.json

CASES.json: [{"name", "export": folder of `mvlm export`, and "embeddings": file of `mvlm embed` on
the same checkpoint, or "tokens": {"captions", "max_length", "ids", "attention"} as mvlm encodes
them}]. Prints one JSON object per case: the largest |python - mvlm| of the image and text
embeddings and the norms (embeddings cases), and the rows whose ids or attention differ from mvlm's.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import mvlm_reference  # noqa: E402

torch.set_num_threads(1)


def differing_rows(captions, ids, attention, mvlm_ids, mvlm_attention):
    return [
        {"caption": c, "mvlm": np.asarray(mvlm_ids[i]).tolist(), "python": ids[i].tolist()}
        for i, c in enumerate(captions)
        if not (np.array_equal(ids[i].numpy(), mvlm_ids[i]) and np.array_equal(attention[i].numpy(), mvlm_attention[i]))
    ]


def check_tokens(model, case):
    tokens = case["tokens"]
    ids, attention = model.tokenizer.encode(tokens["captions"], tokens["max_length"])
    rows = differing_rows(tokens["captions"], ids, attention, tokens["ids"], tokens["attention"])
    return {"name": case["name"], "items": len(tokens["captions"]), "token_rows_differing": rows}


def check(case):
    model = mvlm_reference.load(case["export"])
    if "tokens" in case:
        return check_tokens(model, case)
    t, meta = mvlm_reference.read_safetensors(case["embeddings"])
    captions = json.loads(meta["captions"])
    with torch.no_grad():
        ids, attention = model.tokenize(captions)
        image = model.encode_image(torch.from_numpy(t["pixels"])).numpy()
        text = model.encode_text(torch.from_numpy(t["ids"]).long(), torch.from_numpy(t["attention"]).long()).numpy()
    differing = differing_rows(captions, ids, attention, t["ids"], t["attention"])
    return {
        "name": case["name"],
        "items": len(captions),
        "image_max_abs": float(np.abs(image - t["image_emb"]).max()),
        "text_max_abs": float(np.abs(text - t["text_emb"]).max()),
        "norm_max_err": float(max(np.abs(np.linalg.norm(image, axis=1) - 1).max(), np.abs(np.linalg.norm(text, axis=1) - 1).max())),
        "token_rows_differing": differing,
    }


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    print(json.dumps([check(c) for c in cases]))
