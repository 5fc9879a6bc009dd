"""DuplicateDetector and Moderator from Python."""

import pytest

import comment_sieve as cs

ORIGINAL = (
    "There is nothing almost about it. Pakistan's proxy force, the Haqqani network, "
    "is behind most major attacks against US and Afghan targets, and whenever the US has acted "
    "against the network Pakistan has retaliated by stopping the flow of supplies."
)
COPY = (
    "whenever the US has acted against the network Pakistan has retaliated by "
    "stopping the flow of supplies. http://example.blogspot.com"
)


def test_detector_check_insert_save_load(tmp_path):
    dd = cs.DuplicateDetector()
    assert dd.check_and_insert("c1", ORIGINAL) is None
    assert dd.check("c2", COPY)["kind"] == "partial"
    assert len(dd) == 1  # check does not store
    dd.insert("c2", COPY)
    assert len(dd) == 2
    p = tmp_path / "index.csd"
    dd.save(p)
    again = cs.DuplicateDetector.load(p)
    dup = again.check("c3", ORIGINAL)
    assert dup == {"id": "c1", "kind": "exact", "similarity": 1.0, "same_author": False, "shared_links": False}
    assert cs.DuplicateDetector.from_bytes(dd.to_bytes()).check("c3", ORIGINAL)["id"] == "c1"
    assert again.remove("c1") and not again.remove("c1")


def test_detector_thread_scope_and_parameters():
    dd = cs.DuplicateDetector(scope="thread", capacity=10)
    assert dd.check_and_insert("c1", ORIGINAL, thread="a1") is None
    assert dd.check("c2", ORIGINAL, thread="a2") is None
    assert dd.check("c2", ORIGINAL, thread="a1")["id"] == "c1"
    with pytest.raises(cs.Error, match="near_threshold"):
        cs.DuplicateDetector(near_threshold=2.0)
    with pytest.raises(ValueError, match="scope"):
        cs.DuplicateDetector(scope="planet")
    with pytest.raises(TypeError, match="unknown parameter"):
        cs.DuplicateDetector(nearness=1)


def test_moderator_articles_moderate_feedback(tmp_path):
    m = cs.Moderator()
    m.add_article("a1", "CIA and ISI ties", "The CIA and Pakistan's ISI spy agency resumed talks in Washington.")
    v = m.moderate("Can the CIA really trust the ISI after the Washington talks?", id="c1", article_id="a1")
    assert v["action"] == "approve"
    assert set(v) >= {"label", "scores", "reasons", "toxic_spans", "action", "duplicate_of"}
    again = m.moderate("Can the CIA really trust the ISI after the Washington talks?", id="c2", article_id="a1")
    assert again["duplicate_of"]["id"] == "c1"
    text = "Best deals on cheap watches at my site"
    before = m.classifier.classify(text)["scores"]["spam"]
    for _ in range(5):
        assert m.feedback(text, "spam")
    assert m.classifier.classify(text)["scores"]["spam"] > before
    m.save_model(tmp_path / "m.csm")
    assert cs.Classifier.load(tmp_path / "m.csm").classify(text)["scores"]["spam"] > before
    with pytest.raises(ValueError, match="feedback label"):
        m.feedback(text, "eggs")


def test_moderator_policy():
    m = cs.Moderator(policy={"block_words": ["watches"]})
    assert m.moderate("Cheap watches for everyone")["action"] == "reject"
    with pytest.raises(TypeError, match="unknown policy field"):
        cs.Moderator(policy={"reject_all": True})
    with pytest.raises(ValueError, match="policy"):
        cs.Moderator(policy={"max_links": "many"})
