"""Shared fixtures: the repository's comment data, the `comment-sieve`
binary and a local Spark session."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
YOUTUBE = ROOT / "data" / "youtube-spam"
SEEDS = ROOT / "data" / "seed_comments.jsonl"


def youtube_rows():
    """The 1,138 YouTube comments: id, author, text and label (spam or
    on_topic), in file order."""
    rows = []
    for f in sorted(YOUTUBE.glob("Youtube*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                rows.append(
                    {
                        "id": r["COMMENT_ID"],
                        "author": r["AUTHOR"],
                        "text": r["CONTENT"],
                        "label": "spam" if r["CLASS"] == "1" else "on_topic",
                        "video": f.stem,
                    }
                )
    return rows


def youtube_like(n):
    """`n` comments cycling through the YouTube comments, each copy with
    its own id (`ID#k`)."""
    rows = youtube_rows()
    return [dict(rows[i % len(rows)], id=f"{rows[i % len(rows)]['id']}#{i // len(rows)}") for i in range(n)]


def seed_rows():
    with open(SEEDS, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path, rows, fields=("id", "author", "article_id", "text")):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r[k] for k in fields if k in r}) + "\n")


@pytest.fixture(scope="session")
def cli():
    """Runs `comment-sieve label` on a file: its records."""
    exe = Path(os.environ.get("COMMENT_SIEVE_BIN", ROOT / "target" / "release" / "comment-sieve"))
    assert exe.exists(), f"{exe} is missing: build it with `cargo build --release`"

    def label(path, *args):
        out = subprocess.run(
            [str(exe), "label", str(path), *args], check=True, capture_output=True, text=True
        ).stdout
        return [json.loads(line) for line in out.splitlines()]

    return label


@pytest.fixture(scope="session")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("comment-sieve-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
