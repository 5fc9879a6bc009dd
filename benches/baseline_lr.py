"""Logistic regression baseline for the Fox News article folds.

The folds are the ones of `cargo run --release --example evaluate -- fox`:
the distinct article titles of data/fox-news-comments/dev.jsonl in sorted
(byte) order; fold k tests on the comments of the k-th title and trains on
the other four articles' comments.

Model: scikit-learn CountVectorizer (word 1-2-grams, lower case, binary)
and LogisticRegression (liblinear, C=1, balanced class weights), both with
their defaults otherwise. Prints per-fold and mean ROC-AUC, and precision,
recall and F1 of the hateful class at probability 0.5.

`--context thread` adds the words of the neighbouring comments (`prev`,
`succ`) as separate features (prefixed `ctx_`), as the naive Bayes
`CONTEXT=thread` setting does; `--context author` the words of the same
commenter's other comments under the same article (`CONTEXT=author`);
`--context thread,author` both. `structure` in the list adds one feature
for the comment's place in its thread, reply (it has a previous comment or
mentions another commenter) or top-level, as the naive Bayes thread-structure
feature (on by default there): `--context structure`,
`--context thread,author,structure`.

`--youtube-cross` instead runs the YouTube cross-video table of
`cargo run --release --example evaluate -- cross` (train on all comments of
two development videos, test on the third): scikit-learn LogisticRegression
with its defaults (lbfgs, C=1) on CountVectorizer word counts, and on word
presence (`binary=True`); MCC at probability 0.5 and ROC-AUC per video.
"""

import csv
import json
import pathlib
import sys

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "fox-news-comments" / "dev.jsonl"


def doc(r, context, rows):
    text = r["text"]
    parts = []
    if "thread" in context.split(","):
        parts += [str(r.get(k) or "") for k in ("prev", "succ")]
    if "author" in context.split(",") and r.get("user"):
        parts += [
            o["text"]
            for o in rows
            if o is not r and o.get("user") == r["user"] and o["title"] == r["title"]
        ]
    if parts:
        ctx = " ".join(parts)
        words = CountVectorizer().build_tokenizer()(ctx.lower())
        text += " " + " ".join("ctx_" + w for w in words)
    if "structure" in context.split(","):
        reply = bool(str(r.get("prev") or "").strip()) or bool(r.get("mentions", "").strip())
        text += " thread_reply" if reply else " thread_top_level"
    return text


VIDEOS = ["Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"]


def youtube_cross():
    data = {}
    for v in VIDEOS:
        with open(ROOT / "data" / "youtube-spam" / f"{v}.csv", encoding="utf-8", newline="") as f:
            data[v] = [(r["CONTENT"], int(r["CLASS"])) for r in csv.DictReader(f)]
    for binary in (False, True):
        print(f"word {'presence' if binary else 'counts'}:")
        print("| test video | MCC | ROC-AUC |")
        print("|---|---|---|")
        mccs = []
        for test in VIDEOS:
            train = [r for v in VIDEOS if v != test for r in data[v]]
            vec = CountVectorizer(binary=binary)
            x_train = vec.fit_transform([t for t, _ in train])
            clf = LogisticRegression(max_iter=1000).fit(x_train, [y for _, y in train])
            p = clf.predict_proba(vec.transform([t for t, _ in data[test]]))[:, 1]
            y_test = [y for _, y in data[test]]
            mcc = matthews_corrcoef(y_test, [int(v >= 0.5) for v in p])
            mccs.append(mcc)
            print(f"| {test.split('-')[1]} | {mcc:.3f} | {roc_auc_score(y_test, p):.3f} |")
        print(f"| mean | {sum(mccs) / len(mccs):.3f} | |")
    return 0


def main():
    if sys.argv[1:2] == ["--youtube-cross"]:
        return youtube_cross()
    context = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--context" else "none"
    print(f"context: {context}")
    rows = [json.loads(l) for l in DATA.read_text(encoding="utf-8").splitlines() if l.strip()]
    # Sorted by UTF-8 bytes, as Rust sorts strings.
    titles = sorted({r["title"] for r in rows}, key=lambda t: t.encode("utf-8"))
    print("| fold | test article | test | hateful | ROC-AUC | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|---|")
    aucs = []
    for k, title in enumerate(titles):
        train = [r for r in rows if r["title"] != title]
        test = [r for r in rows if r["title"] == title]
        vec = CountVectorizer(ngram_range=(1, 2), lowercase=True, binary=True)
        x_train = vec.fit_transform([doc(r, context, rows) for r in train])
        y_train = [int(r["label"]) for r in train]
        clf = LogisticRegression(solver="liblinear", C=1.0, class_weight="balanced")
        clf.fit(x_train, y_train)
        x_test = vec.transform([doc(r, context, rows) for r in test])
        y_test = [int(r["label"]) for r in test]
        p = clf.predict_proba(x_test)[:, 1]
        pred = [int(v >= 0.5) for v in p]
        auc = roc_auc_score(y_test, p)
        aucs.append(auc)
        print(
            f"| {k + 1} | {title[:40]} | {len(test)} | {sum(y_test)} | {auc:.3f} | "
            f"{precision_score(y_test, pred, zero_division=0):.3f} | "
            f"{recall_score(y_test, pred, zero_division=0):.3f} | "
            f"{f1_score(y_test, pred, zero_division=0):.3f} |"
        )
    print(f"| mean of folds | | | | {sum(aucs) / len(aucs):.3f} | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
