"""comment_sieve.spark on a real Spark in local mode."""

import importlib.util

import pytest

import comment_sieve as cs
from conftest import ROOT, write_jsonl, youtube_like


def example():
    spec = importlib.util.spec_from_file_location("label_parquet", ROOT / "python" / "examples" / "label_parquet.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_keeps_input_columns_and_adds_the_verdict(spark):
    df = spark.createDataFrame(
        [("c1", "Check out my channel and subscribe!", 3), ("c2", "You are a complete idiot and a moron.", 4)],
        "id string, body string, n int",
    )
    from comment_sieve.spark import classify

    out = classify(df, text_col="body")
    assert out.columns == ["id", "body", "n", "label", "scores", "reasons", "toxic_spans", "duplicate_of"]
    rows = {r["id"]: r for r in out.collect()}
    assert rows["c1"]["label"] == "spam" and rows["c1"]["n"] == 3
    assert rows["c2"]["label"] == "abuse"
    assert [list(s) for s in rows["c2"]["toxic_spans"]] == [[19, 24], [31, 36]]
    assert rows["c1"]["duplicate_of"] is None


def test_a_trained_classifier_is_shipped(spark):
    from comment_sieve.spark import classify

    # A model that has learned only that "zebra" is spam labels it so.
    texts = ["zebra zebra offer", "zebra deal now", "zebra zebra zebra", "the vote was close", "the council met", "a fine debate"]
    labels = ["spam"] * 3 + ["on_topic"] * 3
    clf = cs.Classifier.train(texts * 5, labels * 5, calibrate=False, min_df=1)
    df = spark.createDataFrame([("zebra zebra",), ("the council vote",)], "text string")
    got = [r["label"] for r in classify(df, classifier=clf).collect()]
    assert got == [clf.classify("zebra zebra")["label"], clf.classify("the council vote")["label"]]
    assert got[0] == "spam"


def test_parquet_example_writes_partitions_by_label(spark, tmp_path):
    ex = example()
    src, dst = tmp_path / "in", tmp_path / "out"
    ex.write_sample(spark, str(src), 5000)
    counts = ex.label_folder(spark, src, dst)
    assert sum(counts.values()) == 5000
    assert {p.name for p in dst.iterdir() if p.is_dir()} == {f"label={k}" for k in counts}
    # The same counts as the classifier gives one comment at a time.
    clf = cs.Classifier.default()
    want = {}
    for r in ex.youtube_like(5000):
        lab = clf.classify(r[3])["label"]
        want[lab] = want.get(lab, 0) + 1
    assert counts == want


def test_dedup_by_article_equals_cli_thread_scope(spark, cli, tmp_path):
    from comment_sieve.spark import classify

    rows = youtube_like(3000)
    for r in rows:
        r["article_id"] = r["video"]
    path = tmp_path / "yt.jsonl"
    write_jsonl(path, rows)
    want = {r["id"]: r["duplicate_of"] for r in cli(path, "--dedup-scope", "thread")}
    df = spark.read.json(str(path))
    out = classify(df, id_col="id", author_col="author", dedup_by="article_id")
    got = {r["id"]: (r["duplicate_of"].asDict() if r["duplicate_of"] else None) for r in out.collect()}
    assert got == want
    assert sum(v is not None for v in want.values()) > 1000
    # Only comments of the same video are compared.
    video = {r["id"]: r["video"] for r in rows}
    assert all(video[d["id"]] == video[i] for i, d in got.items() if d)


def test_dedup_needs_an_id_column(spark):
    from comment_sieve.spark import classify

    df = spark.createDataFrame([("a",)], "text string")
    with pytest.raises(ValueError, match="id_col"):
        classify(df, dedup_by="site")
