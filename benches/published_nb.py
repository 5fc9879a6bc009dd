"""The YouTube published-split experiment, rerun with scikit-learn.

Split: first 70% of each class in file order to train, the last 30% to
test, as `cargo run --release --example evaluate -- youtube`. Protocol of
the published rows (data/youtube-spam/README.md): CountVectorizer with its
defaults (lower case, words of two or more word characters), the model's
hyper-parameters chosen by 10-fold stratified cross validation on MCC
over the training 70%, then scored once on the test 30%:

* BernoulliNB and MultinomialNB: alpha in 0.001, 0.01, 0.05, 0.1, 0.2,
  0.3, 0.5, 0.7, 1;
* SVC with an RBF kernel: C in 1, 10, 100, 1000 and gamma in `scale`,
  0.001, 0.01, 0.1.

Each is run on two forms of the text: `stored`, the CONTENT field as it is
in the files (HTML entities such as `&#39;` and tags such as `<br />` and
`<a href=...>` become words: `39`, `br`, `href`), and `decoded`, entities
decoded and tags replaced by a space (Python's `html.unescape`, then
`<[^>]*>`), as comment-sieve's normalizer does. The cross-validation
folds are shuffled with five seeds (0 to 4); each line prints the alpha or
(C, gamma) chosen and the test MCC for every seed.
"""

import csv
import html
import pathlib
import re
import sys

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import make_scorer, matthews_corrcoef
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.naive_bayes import BernoulliNB, MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

ROOT = pathlib.Path(__file__).resolve().parent.parent
VIDEOS = ["Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"]
ALPHAS = [0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0]
MODELS = {
    "BernoulliNB": (BernoulliNB(), {"m__alpha": ALPHAS}),
    "MultinomialNB": (MultinomialNB(), {"m__alpha": ALPHAS}),
    "SVC rbf": (
        SVC(kernel="rbf"),
        {"m__C": [1, 10, 100, 1000], "m__gamma": ["scale", 0.001, 0.01, 0.1]},
    ),
}


def decoded(text):
    return re.sub(r"<[^>]*>", " ", html.unescape(text))


def split(rows):
    train, test = [], []
    for label in ("0", "1"):
        of_class = [r for r in rows if r["CLASS"] == label]
        k = int(len(of_class) * 0.7)
        train += of_class[:k]
        test += of_class[k:]
    return train, test


def main():
    print("| video | model | text | chosen, seeds 0-4 | test MCC, seeds 0-4 |")
    print("|---|---|---|---|---|")
    for v in VIDEOS:
        with open(ROOT / "data" / "youtube-spam" / f"{v}.csv", encoding="utf-8", newline="") as f:
            train, test = split(list(csv.DictReader(f)))
        y_train = [int(r["CLASS"]) for r in train]
        y_test = [int(r["CLASS"]) for r in test]
        for name, (model, grid) in MODELS.items():
            for form, prep in (("stored", lambda t: t), ("decoded", decoded)):
                x_train = [prep(r["CONTENT"]) for r in train]
                x_test = [prep(r["CONTENT"]) for r in test]
                chosen, mccs = [], []
                for seed in range(5):
                    search = GridSearchCV(
                        Pipeline([("v", CountVectorizer()), ("m", model)]),
                        grid,
                        scoring=make_scorer(matthews_corrcoef),
                        cv=StratifiedKFold(10, shuffle=True, random_state=seed),
                    )
                    search.fit(x_train, y_train)
                    best = search.best_params_
                    chosen.append(
                        str(best["m__alpha"])
                        if "m__alpha" in best
                        else f"({best['m__C']}, {best['m__gamma']})"
                    )
                    mccs.append(f"{matthews_corrcoef(y_test, search.predict(x_test)):.3f}")
                print(
                    f"| {v.split('-')[1]} | {name} | {form} | {' '.join(chosen)} | {' '.join(mccs)} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
