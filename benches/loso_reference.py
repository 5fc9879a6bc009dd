"""Leave-one-source-out reference line: TF-IDF and logistic regression.

Run it through its wrapper, which creates a virtual environment under
target/ on first use:

    benches/loso_reference.sh --corpus CORPUS.jsonl [--json OUT.json] \
        [--news civil-comments,fox-news,seeds] [--jobs 2] \
        [--stream civil-comments-stream] [--streams-only]

The wrapper runs from the repository root, so relative paths are taken
from there.

Input (`--corpus`, required): a JSONL file, one example a line,

    {"source": "...", "text": "...", "spam": true|false|null,
     "toxicity": true|false|null, "identity_attack": true|false|null,
     "group": "..."|null}

where null (or a missing key) means that the source does not label that
attribute for that example (or, for `group`, that the example is in no
group). Everything is derived from the file; no source
name is built in except the default of `--news`.

Protocol, for each attribute a in (spam, toxicity, identity_attack), in that
order: the sources with at least one non-null label for a, sorted by name,
are held out one at a time. The model is trained on every example of every
other source with a non-null label for a, and tested on the held-out
source's examples with a non-null label for a. A fold whose training set
holds only one class is skipped with a note.

Model, fixed, scikit-learn defaults otherwise: the horizontal stack of two
TfidfVectorizer feature sets, word 1-2-grams and `char_wb` 2-5-grams (both
`sublinear_tf=True`, `min_df=2`, lower case, float32, fitted on the training
set only), and LogisticRegression(C=1.0, solver="liblinear", max_iter=1000,
random_state=0). The score is predict_proba[:, 1].

Reported per (attribute, source): n, positives, ROC-AUC (only when the test
set holds both classes), and with an example predicted positive when its
score is >= 0.5: precision, recall, MCC (sklearn.metrics, zero_division=0)
and the share predicted positive. For spam and the sources of `--news`
(comma-separated, default civil-comments,fox-news,seeds), also the false
spam rate: the share of the examples with spam=false predicted spam. Per
attribute: the mean ROC-AUC over the sources where it is defined, and the
mean MCC over the same sources.

Streams: the examples of each group named by `--stream` (comma-separated,
default civil-comments-stream) are also measured on their own, inside the
fold that holds their source out: n, positives and ROC-AUC per (attribute,
group), where the group holds both classes. Each such group is also
measured in domain: the model is trained on every other example with a
label for the attribute (its own source's other examples included) and
scores the group, as a model trained on all the data would score new
comments from the group's source. `--streams-only` runs only these
in-domain fits and updates `streams_in_domain` in the existing `--json`
file, leaving its other figures as they are.

Output: one Markdown table per attribute on stdout, elapsed time per fold
on stderr, and with `--json PATH` all results as JSON (floats rounded to 4
digits; an undefined value is null):

    {"model": "...", "attributes": {"spam": {"sources": {"SOURCE": {"n", "pos",
     "roc_auc", "precision", "recall", "mcc", "predicted_pos", "false_spam"},
     ...}, "mean_roc_auc", "mean_mcc", "skipped": {"SOURCE": "note"},
     "streams": {"GROUP": {"n", "pos", "roc_auc"}},
     "streams_in_domain": {"GROUP": {"n", "pos", "roc_auc"}}}, ...}}

`--jobs N` runs N folds at a time in separate processes (default 1); the
results do not depend on it. The output is deterministic: the same input
gives the same output.
"""

import argparse
import json
import multiprocessing
import pathlib
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)

ATTRIBUTES = ("spam", "toxicity", "identity_attack")
DEFAULT_NEWS = "civil-comments,fox-news,seeds"
DEFAULT_STREAM = "civil-comments-stream"
THRESHOLD = 0.5
MODEL = (
    "hstack(TfidfVectorizer(word, 1-2-grams), TfidfVectorizer(char_wb, 2-5-grams)), "
    "both sublinear_tf, min_df=2, lowercase, float32, fitted on the training set; "
    "LogisticRegression(C=1.0, solver=liblinear, max_iter=1000, random_state=0); "
    "score = predict_proba[:, 1], threshold 0.5"
)
HEADER = (
    "| source | n | pos | ROC-AUC | precision | recall | MCC | predicted pos | false spam |"
)
DASH = "\u2014"

# Filled in by main() before any fold runs; forked worker processes share it.
CORPUS = {}


def load(path):
    """Texts, sources, groups and one int8 label array per attribute (-1: no label)."""
    texts, sources, groups = [], [], []
    labels = {a: [] for a in ATTRIBUTES}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{lineno}: invalid JSON: {e}")
            source, text = r.get("source"), r.get("text")
            if not isinstance(source, str) or not source:
                sys.exit(f"{path}:{lineno}: `source` must be a non-empty string")
            if not isinstance(text, str):
                sys.exit(f"{path}:{lineno}: `text` must be a string")
            group = r.get("group")
            if group is not None and not isinstance(group, str):
                sys.exit(f"{path}:{lineno}: `group` must be a string or null")
            sources.append(source)
            texts.append(text)
            groups.append(group or "")
            for a in ATTRIBUTES:
                v = r.get(a)
                if v is None:
                    labels[a].append(-1)
                elif v is True or v is False or (type(v) is int and v in (0, 1)):
                    labels[a].append(int(v))
                else:
                    sys.exit(f"{path}:{lineno}: `{a}` must be true, false or null, got {v!r}")
    return (
        texts,
        np.array(sources, dtype=object),
        np.array(groups, dtype=object),
        {a: np.array(v, dtype=np.int8) for a, v in labels.items()},
    )


def features(train_texts):
    """The two vectorizers, fitted on the training texts, and the stacked matrix."""
    common = dict(sublinear_tf=True, min_df=2, lowercase=True, dtype=np.float32)
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), **common)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)
    x = sp.hstack(
        [word.fit_transform(train_texts), char.fit_transform(train_texts)],
        format="csr",
    )
    return (word, char), x


def transform(vectorizers, texts):
    return sp.hstack([v.transform(texts) for v in vectorizers], format="csr")


def split(attribute, column, value):
    """The examples labelled for `attribute`: indices and labels of those whose
    `column` (`sources` or `groups`) is not `value` (training) and is (test)."""
    y_all = CORPUS["labels"][attribute]
    labelled = y_all >= 0
    train = np.flatnonzero(labelled & (CORPUS[column] != value))
    test = np.flatnonzero(labelled & (CORPUS[column] == value))
    return train, test, y_all[train].astype(np.int64), y_all[test].astype(np.int64)


def fit_and_score(train, test, y_train):
    """The model fitted on the training examples: its scores of the test
    examples, and its number of features."""
    texts = CORPUS["texts"]
    vectorizers, x_train = features([texts[i] for i in train])
    n_features = x_train.shape[1]
    clf = LogisticRegression(C=1.0, solver="liblinear", max_iter=1000, random_state=0)
    clf.fit(x_train, y_train)
    del x_train
    x_test = transform(vectorizers, [texts[i] for i in test])
    return clf.predict_proba(x_test)[:, list(clf.classes_).index(1)], n_features


def run_fold(task):
    """Train on the other sources, score the held-out one. Returns a result dict."""
    attribute, source, is_news, streams = task
    started = time.perf_counter()
    train, test, y_train, y_test = split(attribute, "sources", source)
    out = {"attribute": attribute, "source": source, "n": len(test),
           "pos": int(y_test.sum()), "n_train": len(train)}
    classes = np.unique(y_train)
    if len(classes) < 2:
        if len(classes) == 0:
            out["skipped"] = "empty training set"
        else:
            label = "true" if classes[0] else "false"
            out["skipped"] = f"training set ({len(train)} examples) has only {label} labels"
        out["seconds"] = time.perf_counter() - started
        return out
    try:
        score, n_features = fit_and_score(train, test, y_train)
    except ValueError as e:  # no term left after min_df on a tiny training set
        out["skipped"] = f"no features: {e}"
        out["seconds"] = time.perf_counter() - started
        return out
    pred = (score >= THRESHOLD).astype(np.int64)
    pos = out["pos"]
    with warnings.catch_warnings():
        # A test set with one class (and all predictions of that class) is
        # expected here; MCC is then 0.
        warnings.simplefilter("ignore", UserWarning)
        mcc = float(matthews_corrcoef(y_test, pred))
    out.update(
        roc_auc=float(roc_auc_score(y_test, score)) if 0 < pos < len(test) else None,
        precision=float(precision_score(y_test, pred, zero_division=0)),
        recall=float(recall_score(y_test, pred, zero_division=0)),
        mcc=mcc,
        predicted_pos=float(pred.mean()),
        false_spam=None,
        n_features=n_features,
    )
    if attribute == "spam" and is_news and (y_test == 0).any():
        out["false_spam"] = float(pred[y_test == 0].mean())
    groups = CORPUS["groups"][test]
    out["streams"] = {}
    for g in streams:
        inside = groups == g
        y_g, s_g = y_test[inside], score[inside]
        if 0 < y_g.sum() < len(y_g):
            out["streams"][g] = {"n": int(len(y_g)), "pos": int(y_g.sum()),
                                 "roc_auc": float(roc_auc_score(y_g, s_g))}
    out["seconds"] = time.perf_counter() - started
    return out


def run_group(task):
    """Train on every labelled example outside the group, score the group."""
    attribute, group = task
    started = time.perf_counter()
    train, test, y_train, y_test = split(attribute, "groups", group)
    out = {"attribute": attribute, "group": group, "n": len(test),
           "pos": int(y_test.sum()), "n_train": len(train)}
    if not (0 < y_test.sum() < len(test)) or len(np.unique(y_train)) < 2:
        out["skipped"] = "the group or its training set lacks a class"
        out["seconds"] = time.perf_counter() - started
        return out
    score, _ = fit_and_score(train, test, y_train)
    out["roc_auc"] = float(roc_auc_score(y_test, score))
    out["seconds"] = time.perf_counter() - started
    return out


def in_domain_streams(streams, jobs):
    """`{attribute: {group: {n, pos, roc_auc}}}` of the in-domain fits."""
    labels, groups = CORPUS["labels"], CORPUS["groups"]
    tasks = [(a, g) for a in ATTRIBUTES for g in streams
             if ((labels[a] >= 0) & (groups == g)).any()]
    if jobs == 1 or len(tasks) <= 1:
        results = [run_group(t) for t in tasks]
    else:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs, maxtasksperchild=1) as pool:
            results = pool.map(run_group, tasks)
    out = {a: {} for a in ATTRIBUTES}
    for r in results:
        what = r.get("skipped") or f"ROC-AUC {r['roc_auc']:.4f}"
        print(f"in domain {r['attribute']} / {r['group']}: train {r['n_train']}, "
              f"test {r['n']}, {what}, {r['seconds']:.1f} s", file=sys.stderr, flush=True)
        if "skipped" not in r:
            out[r["attribute"]][r["group"]] = {"n": r["n"], "pos": r["pos"],
                                               "roc_auc": r4(r["roc_auc"])}
    return out


def r4(x):
    return None if x is None else round(float(x), 4)


def cell(x):
    return DASH if x is None else f"{x:.4f}"


def main():
    ap = argparse.ArgumentParser(
        description="Leave-one-source-out reference line (TF-IDF + logistic regression)."
    )
    ap.add_argument("--corpus", required=True, type=pathlib.Path, help="JSONL corpus")
    ap.add_argument("--json", type=pathlib.Path, help="write all results as JSON here")
    ap.add_argument("--news", default=DEFAULT_NEWS,
                    help=f"comma-separated news-comment sources (default {DEFAULT_NEWS})")
    ap.add_argument("--stream", default=DEFAULT_STREAM,
                    help=f"comma-separated groups measured on their own (default {DEFAULT_STREAM})")
    ap.add_argument("--jobs", type=int, default=1, help="folds run at a time (default 1)")
    ap.add_argument("--streams-only", action="store_true",
                    help="run only the in-domain stream fits and update them in --json")
    args = ap.parse_args()
    news = {s.strip() for s in args.news.split(",") if s.strip()}
    streams = sorted({s.strip() for s in args.stream.split(",") if s.strip()})
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")

    t0 = time.perf_counter()
    texts, sources, groups, labels = load(args.corpus)
    CORPUS.update(texts=texts, sources=sources, groups=groups, labels=labels)
    print(f"loaded {len(texts)} examples from {len(set(sources))} sources "
          f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    if args.streams_only:
        if not args.json or not args.json.exists():
            ap.error("--streams-only updates an existing --json file")
        with open(args.json, encoding="utf-8") as f:
            report = json.load(f)
        for a, rows in in_domain_streams(streams, args.jobs).items():
            report["attributes"].setdefault(a, {})["streams_in_domain"] = rows
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(f"total {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        return

    plan = {}
    for a in ATTRIBUTES:
        plan[a] = sorted(set(sources[labels[a] >= 0]))
    tasks = [(a, s, s in news, streams) for a in ATTRIBUTES for s in plan[a]]
    labelled_news = set(plan["spam"]) & news
    for s in sorted(news - labelled_news):
        print(f"note: news source {s!r} has no spam label in the corpus", file=sys.stderr)

    results = {}

    def progress(r):
        results[(r["attribute"], r["source"])] = r
        done = f"{len(results)}/{len(tasks)}"
        what = r.get("skipped") or f"{r['n_features']} features"
        print(f"[{done}] {r['attribute']} / {r['source']}: train {r['n_train']}, "
              f"test {r['n']}, {what}, {r['seconds']:.1f} s", file=sys.stderr, flush=True)

    if args.jobs == 1 or len(tasks) <= 1:
        for t in tasks:
            progress(run_fold(t))
    else:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.jobs, maxtasksperchild=1) as pool:
            for r in pool.imap_unordered(run_fold, tasks):
                progress(r)

    report = {"model": MODEL, "attributes": {}}
    print(f"Leave-one-source-out, model: {MODEL}.")
    for a in ATTRIBUTES:
        print(f"\n### {a}\n")
        if not plan[a]:
            print(f"No source labels {a}.")
            report["attributes"][a] = {"sources": {}, "mean_roc_auc": None,
                                       "mean_mcc": None, "skipped": {}, "streams": {}}
            continue
        print(HEADER)
        print("|" + "---|" * 9)
        rows, skipped, stream_rows = {}, {}, {}
        for s in plan[a]:
            r = results[(a, s)]
            for g, m in r.get("streams", {}).items():
                stream_rows[g] = {"n": m["n"], "pos": m["pos"], "roc_auc": r4(m["roc_auc"])}
            if "skipped" in r:
                skipped[s] = r["skipped"]
                print(f"| {s} | {r['n']} | {r['pos']} | skipped: {r['skipped']} | | | | | |")
                continue
            rows[s] = {
                "n": r["n"], "pos": r["pos"], "roc_auc": r4(r["roc_auc"]),
                "precision": r4(r["precision"]), "recall": r4(r["recall"]),
                "mcc": r4(r["mcc"]), "predicted_pos": r4(r["predicted_pos"]),
                "false_spam": r4(r["false_spam"]),
            }
            fs = cell(r["false_spam"]) if a == "spam" and s in news else ""
            print(f"| {s} | {r['n']} | {r['pos']} | {cell(r['roc_auc'])} | "
                  f"{cell(r['precision'])} | {cell(r['recall'])} | {cell(r['mcc'])} | "
                  f"{cell(r['predicted_pos'])} | {fs} |")
        defined = [results[(a, s)] for s in rows if results[(a, s)]["roc_auc"] is not None]
        mean_auc = float(np.mean([r["roc_auc"] for r in defined])) if defined else None
        mean_mcc = float(np.mean([r["mcc"] for r in defined])) if defined else None
        print(f"| mean | | | {cell(mean_auc)} | | | {cell(mean_mcc)} | | |")
        print(f"\nMeans over the {len(defined)} sources with a defined ROC-AUC.")
        for s, note in skipped.items():
            print(f"Skipped {s}: {note}.")
        for g, m in stream_rows.items():
            print(f"Stream {g}: n {m['n']}, pos {m['pos']}, ROC-AUC {cell(m['roc_auc'])}.")
        report["attributes"][a] = {"sources": rows, "mean_roc_auc": r4(mean_auc),
                                   "mean_mcc": r4(mean_mcc), "skipped": skipped,
                                   "streams": stream_rows}

    for a, rows in in_domain_streams(streams, args.jobs).items():
        report["attributes"][a]["streams_in_domain"] = rows
        for g, m in rows.items():
            print(f"In domain, {a}, stream {g}: n {m['n']}, pos {m['pos']}, "
                  f"ROC-AUC {cell(m['roc_auc'])}.")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2, ensure_ascii=False)
            f.write("\n")
    print(f"total {time.perf_counter() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
