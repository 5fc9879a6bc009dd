"""The scikit-learn estimator in cross-validation and pipelines."""

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_score

from comment_sieve.sklearn import CommentSieveClassifier
from conftest import youtube_rows


def data():
    rows = youtube_rows()
    return np.array([r["text"] for r in rows], dtype=object), np.array([r["label"] for r in rows], dtype=object)


def test_cross_val_score_on_youtube():
    X, y = data()
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = cross_val_score(CommentSieveClassifier(), X, y, cv=cv)
    assert len(scores) == 5
    # Spam against the rest on YouTube: far above the majority class (0.51).
    assert scores.mean() > 0.85, scores
    auc = cross_val_score(CommentSieveClassifier(), X, y, cv=cv, scoring="roc_auc")
    assert auc.mean() > 0.9, auc


def test_fit_predict_proba_and_clone():
    X, y = data()
    est = CommentSieveClassifier(min_df=2).fit(X, y)
    assert list(est.classes_) == ["on_topic", "spam"]
    p = est.predict_proba(X[:50])
    assert p.shape == (50, 2) and np.allclose(p.sum(axis=1), 1)
    pred = est.predict(X[:50])
    assert set(pred) <= {"on_topic", "spam", "off_topic", "abuse"}
    # The column of "spam" agrees with the predicted spam labels.
    spam = p[:, 1]
    assert spam[pred == "spam"].min() > spam[pred != "spam"].min()
    c = clone(est)
    assert c.get_params()["min_df"] == 2 and not hasattr(c, "model_")
