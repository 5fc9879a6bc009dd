"""The scikit-learn side of benches/label_vs_sklearn.sh: a spam labeler
written the usual way, timed as a whole process against
`comment-sieve label --no-dedup`.

    python benches/label_vs_sklearn.py TRAIN_DIR IN.jsonl OUT.jsonl

End to end, as a site would run it: trains CountVectorizer (scikit-learn
defaults) + MultinomialNB on every CSV of TRAIN_DIR (the YouTube spam
collection: CONTENT, CLASS with 1 = spam), reads IN.jsonl (one JSON object
a line with a `text` field), predicts, and writes each input record with
`label` ("spam" or "ham") added to OUT.jsonl, in input order. Prints the
label counts on stderr.
"""

import csv
import glob
import json
import os
import sys

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB


def train(train_dir):
    texts, labels = [], []
    for path in sorted(glob.glob(os.path.join(train_dir, "*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                texts.append(row["CONTENT"])
                labels.append(int(row["CLASS"]))
    vectorizer = CountVectorizer()
    model = MultinomialNB().fit(vectorizer.fit_transform(texts), labels)
    return vectorizer, model


def main():
    train_dir, inp, out = sys.argv[1:4]
    vectorizer, model = train(train_dir)
    with open(inp, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    predicted = model.predict(vectorizer.transform([r["text"] for r in records]))
    counts = {"spam": 0, "ham": 0}
    with open(out, "w", encoding="utf-8") as f:
        for rec, p in zip(records, predicted):
            rec["label"] = "spam" if p == 1 else "ham"
            counts[rec["label"]] += 1
            f.write(json.dumps(rec, ensure_ascii=False))
            f.write("\n")
    print(f"{len(records)} records: spam {counts['spam']}, ham {counts['ham']}", file=sys.stderr)


if __name__ == "__main__":
    main()
