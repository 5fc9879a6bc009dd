"""The classifier from Python: records, batches, Arrow, errors, pickling."""

import pickle
import threading
import time

import pyarrow as pa
import pytest

import comment_sieve as cs
from conftest import youtube_rows

SPAM = "Check out my channel and subscribe!"
ABUSE = "You are a complete idiot and a moron."


@pytest.fixture(scope="module")
def clf():
    return cs.Classifier.default()


def test_classify_has_the_record_fields(clf):
    r = clf.classify(SPAM)
    assert r["label"] == "spam"
    assert set(r) == {"label", "scores", "reasons", "toxic_spans", "duplicate_of"}
    assert set(r["scores"]) == {"spam", "abuse", "off_topic", "toxicity", "identity_attack"}
    assert r["reasons"][0]["token"] == "subscribe"
    assert r["reasons"][0]["span"] == [25, 34]
    assert r["duplicate_of"] is None
    a = clf.classify(ABUSE)
    assert a["label"] == "abuse"
    assert a["toxic_spans"] == [[19, 24], [31, 36]]


def test_spans_in_code_points_and_bytes(clf):
    text = "Ünïcödé first: " + ABUSE
    r = clf.classify(text)
    assert r["label"] == "abuse"
    for reason in r["reasons"]:
        s, e = reason["chars"]
        assert text[s:e].lower() == reason["token"] or reason["span"][0] == reason["span"][1]
        bs, be = reason["span"]
        assert text.encode()[bs:be].decode() == text[s:e]


def test_batch_equals_one_at_a_time_on_any_thread_count(clf):
    texts = [r["text"] for r in youtube_rows()]
    one = [clf.classify(t) for t in texts]
    assert clf.classify_batch(texts) == one
    assert clf.classify_batch(texts, threads=1) == one
    assert clf.classify_batch(texts, threads=2) == one


def test_batch_records_are_independent_objects(clf):
    # A batch shares immutable values (tokens, floats) between records;
    # every dict and list is the record's own.
    texts = [SPAM, SPAM, ABUSE + " \u00e9t\u00e9"]
    recs = clf.classify_batch(texts, threads=1)
    want = [clf.classify(t) for t in texts]
    recs[0]["scores"]["spam"] = -1.0
    recs[0]["reasons"][0]["span"].append(99)
    recs[0]["reasons"][0]["token"] = "changed"
    recs[0]["reasons"].append({})
    recs[0]["toxic_spans"].append([0, 1])
    assert recs[1] == want[1]
    assert recs[2] == want[2]
    assert recs[1]["reasons"][0]["span"] is not recs[0]["reasons"][0]["span"]


def test_batch_of_many_chunks_and_its_arguments(clf):
    texts = [r["text"] for r in youtube_rows()]
    many = (texts * 20)[:20_001]
    recs = clf.classify_batch(tuple(many), threads=2)
    assert len(recs) == len(many)
    for i in (0, 8191, 8192, 16384, 20_000):
        assert recs[i] == clf.classify(many[i])
    with pytest.raises(TypeError):
        clf.classify_batch([SPAM, 17])
    with pytest.raises(TypeError):
        clf.classify_batch(SPAM)


def test_batch_without_details_is_the_verdict_of_the_full_record(clf):
    texts = [r["text"] for r in youtube_rows()][:300] + [SPAM, ""]
    full = clf.classify_batch(texts)
    brief = clf.classify_batch(texts, details=False, threads=2)
    assert len(brief) == len(full)
    for f, b in zip(full, brief):
        assert set(b) == {"label", "scores", "top_reason", "duplicate_of"}
        assert b["label"] == f["label"] and b["scores"] == f["scores"]
        assert b["top_reason"] == (f["reasons"][0]["token"] if f["reasons"] else None)
        assert b["duplicate_of"] is None
    det = cs.DuplicateDetector()
    dup = clf.classify_batch([SPAM, SPAM], ids=["a", "b"], detector=det, details=False)
    assert dup[1]["duplicate_of"]["id"] == "a"


def test_parent_makes_a_reply(clf):
    # A non-empty parent is a reply, an empty one a thread starter, as in
    # `label` input; the default model's label head has no place feature,
    # so only the accepted values are checked here.
    for p in (None, "", "c1"):
        assert clf.classify(SPAM, parent_id=p)["label"] == "spam"
    assert len(clf.classify_batch([SPAM, SPAM], parent_ids=["", "c1"])) == 2


def test_batch_releases_the_gil(clf):
    texts = [r["text"] for r in youtube_rows()] * 30
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    time.sleep(0.01)
    start = time.perf_counter()
    clf.classify_batch(texts, threads=1)
    end = time.perf_counter()
    done.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    # With the GIL held for the whole call the other thread could not run.
    assert end - start > 0.02 and len(during) >= 3


def test_batch_duplicate_check(clf):
    texts = [SPAM + " http://example.com/x", "something else entirely, about the election", SPAM + " http://example.com/x"]
    det = cs.DuplicateDetector()
    recs = clf.classify_batch(texts, ids=["a", "b", "c"], detector=det)
    assert recs[0]["duplicate_of"] is None and recs[1]["duplicate_of"] is None
    assert recs[2]["duplicate_of"]["id"] == "a"
    assert recs[2]["duplicate_of"]["kind"] == "exact"
    assert len(det) == 3
    with pytest.raises(ValueError, match="needs ids"):
        clf.classify_batch(texts, detector=cs.DuplicateDetector())


def _records(batch):
    rows = batch.to_pylist()
    for r in rows:
        r.pop("top_reason")
    return rows


def test_arrow_equals_batch(clf):
    texts = [r["text"] for r in youtube_rows()]
    recs = clf.classify_batch(texts)
    for arr in (pa.array(texts), pa.array(texts, type=pa.large_string()), pa.array(texts, type=pa.string_view())):
        assert _records(clf.classify_arrow(arr, details=True)) == recs
    chunked = pa.chunked_array([texts[:100], texts[100:]])
    batch = clf.classify_arrow(chunked, details=True, threads=2)
    assert _records(batch) == recs
    short = clf.classify_arrow(chunked)
    assert short.schema.names == ["label", "scores", "top_reason", "duplicate_of"]
    assert short.column("top_reason").to_pylist() == [r["reasons"][0]["token"] if r["reasons"] else None for r in recs]


def test_arrow_reads_sliced_arrays(clf):
    texts = [SPAM, ABUSE, "a calm note on the budget vote", SPAM]
    arr = pa.array(texts).slice(1, 2)
    labels = clf.classify_arrow(arr).column("label").to_pylist()
    assert labels == [clf.classify(t)["label"] for t in texts[1:3]]


def test_arrow_duplicates_and_errors(clf):
    texts = pa.array([SPAM + " http://a.example/x", SPAM + " http://a.example/x"])
    ids = pa.array(["a", "b"])
    batch = clf.classify_arrow(texts, ids=ids, detector=cs.DuplicateDetector())
    assert batch.column("duplicate_of").to_pylist()[1]["id"] == "a"
    assert batch.column("duplicate_of").to_pylist()[0] is None
    with pytest.raises(TypeError, match="array of strings"):
        clf.classify_arrow(pa.array([1, 2]))
    with pytest.raises(ValueError, match=r"texts\[1\] is null"):
        clf.classify_arrow(pa.array(["x", None]))
    with pytest.raises(ValueError, match="ids has 1 values for 2 texts"):
        clf.classify_arrow(texts, ids=pa.array(["a"]))
    with pytest.raises(TypeError, match="pyarrow Array"):
        clf.classify_arrow(["a list"])


def test_save_load_bytes_and_pickle(clf, tmp_path):
    p = tmp_path / "m.csm"
    clf.save(p)
    assert cs.Classifier.load(p).classify(SPAM) == clf.classify(SPAM)
    assert cs.Classifier.from_bytes(clf.to_bytes()).classify(ABUSE) == clf.classify(ABUSE)
    assert pickle.loads(pickle.dumps(clf)).classify(SPAM) == clf.classify(SPAM)


def test_errors_carry_the_library_message(tmp_path):
    with pytest.raises(OSError, match="no-such-model.csm"):
        cs.Classifier.load(tmp_path / "no-such-model.csm")
    bad = tmp_path / "bad.csm"
    bad.write_bytes(b"not a model")
    with pytest.raises(cs.Error, match="invalid model file"):
        cs.Classifier.load(bad)
    with pytest.raises(ValueError, match=r"labels\[1\]: unknown label \"spa\""):
        cs.Classifier.train(["a", "b"], ["spam", "spa"])
    with pytest.raises(cs.Error, match="alpha"):
        cs.Classifier.train(["a", "b"], ["spam", "on_topic"], alpha=-1.0)
    with pytest.raises(TypeError, match="unknown parameter"):
        cs.Classifier.train(["a"], ["spam"], bogus=1)


def test_train_on_youtube_learns_spam():
    rows = youtube_rows()
    clf = cs.Classifier.train([r["text"] for r in rows], [r["label"] for r in rows], calibrate=False)
    got = [r["label"] for r in clf.classify_batch([r["text"] for r in rows])]
    right = sum(g == r["label"] for g, r in zip(got, rows))
    assert right / len(rows) > 0.9
    p = clf.probabilities(["subscribe to my channel", "this song is great"])
    assert len(p) == 2 and all(abs(sum(x) - 1) < 1e-9 for x in p)
    assert cs.LABELS == ("spam", "abuse", "off_topic", "on_topic")
