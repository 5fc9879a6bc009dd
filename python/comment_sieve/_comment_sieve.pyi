"""Type stubs of the extension module (see ``comment_sieve``)."""

from os import PathLike
from typing import Any, Literal, Optional, Sequence, TypedDict, Union, overload

import pyarrow

_Path = Union[str, PathLike]
_Strings = Optional[Sequence[Optional[str]]]
_ArrowStrings = Union[pyarrow.Array, pyarrow.ChunkedArray]

class Error(Exception):
    """An error of comment-sieve (model or index file, parameter, training data)."""

class Scores(TypedDict):
    spam: float
    abuse: float
    off_topic: float
    toxicity: float
    identity_attack: float

class Reason(TypedDict):
    token: str
    weight: float
    span: list[int]
    chars: list[int]

class DuplicateOf(TypedDict):
    id: str
    kind: str
    similarity: float
    same_author: bool
    shared_links: bool

class Record(TypedDict):
    label: str
    scores: Scores
    reasons: list[Reason]
    toxic_spans: list[list[int]]
    duplicate_of: Optional[DuplicateOf]

class BriefRecord(TypedDict):
    label: str
    scores: Scores
    top_reason: Optional[str]
    duplicate_of: Optional[DuplicateOf]

class Classifier:
    def __init__(self) -> None: ...
    @staticmethod
    def default() -> Classifier: ...
    @staticmethod
    def load(path: _Path) -> Classifier: ...
    @staticmethod
    def from_bytes(data: bytes) -> Classifier: ...
    def to_bytes(self) -> bytes: ...
    def save(self, path: _Path) -> None: ...
    @staticmethod
    def train(
        texts: Sequence[str],
        labels: Sequence[str],
        sources: Optional[Sequence[str]] = None,
        *,
        alpha: float = ...,
        label_alpha: float = ...,
        min_df: int = ...,
        l2: float = ...,
        calibrate: bool = ...,
        lexicon_min_count: int = ...,
        lexicon_min_ratio: float = ...,
    ) -> Classifier: ...
    @staticmethod
    def labels() -> list[str]: ...
    def classify(
        self,
        text: str,
        author: Optional[str] = None,
        article_id: Optional[str] = None,
        parent_id: Optional[str] = None,
    ) -> Record: ...
    @overload
    def classify_batch(
        self,
        texts: Sequence[str],
        ids: _Strings = None,
        authors: _Strings = None,
        article_ids: _Strings = None,
        parent_ids: _Strings = None,
        detector: Optional[DuplicateDetector] = None,
        threads: Optional[int] = None,
        details: Literal[True] = True,
    ) -> list[Record]: ...
    @overload
    def classify_batch(
        self,
        texts: Sequence[str],
        ids: _Strings = None,
        authors: _Strings = None,
        article_ids: _Strings = None,
        parent_ids: _Strings = None,
        detector: Optional[DuplicateDetector] = None,
        threads: Optional[int] = None,
        *,
        details: Literal[False],
    ) -> list[BriefRecord]: ...
    def probabilities(self, texts: Sequence[str], threads: Optional[int] = None) -> list[list[float]]: ...
    def classify_arrow(
        self,
        texts: _ArrowStrings,
        ids: Optional[_ArrowStrings] = None,
        authors: Optional[_ArrowStrings] = None,
        article_ids: Optional[_ArrowStrings] = None,
        parent_ids: Optional[_ArrowStrings] = None,
        detector: Optional[DuplicateDetector] = None,
        details: bool = False,
        threads: Optional[int] = None,
    ) -> pyarrow.RecordBatch: ...

class DuplicateDetector:
    def __init__(
        self,
        *,
        scope: str = "site",
        near_threshold: float = ...,
        partial_threshold: float = ...,
        template_threshold: float = ...,
        shingle_size: int = ...,
        near_shingle_size: int = ...,
        winnow_window: int = ...,
        min_postings: int = ...,
        max_postings: int = ...,
        sketch_size: int = ...,
        capacity: int = ...,
        min_tokens: int = ...,
        min_partial_tokens: int = ...,
        short_exact: bool = ...,
        max_candidates: int = ...,
    ) -> None: ...
    def check(
        self, id: str, text: str, author: Optional[str] = None, thread: Optional[str] = None
    ) -> Optional[DuplicateOf]: ...
    def insert(self, id: str, text: str, author: Optional[str] = None, thread: Optional[str] = None) -> None: ...
    def check_and_insert(
        self, id: str, text: str, author: Optional[str] = None, thread: Optional[str] = None
    ) -> Optional[DuplicateOf]: ...
    def remove(self, id: str) -> bool: ...
    def clear(self) -> None: ...
    def save(self, path: _Path) -> None: ...
    @staticmethod
    def load(path: _Path) -> DuplicateDetector: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> DuplicateDetector: ...
    def __len__(self) -> int: ...

class Moderator:
    def __init__(
        self,
        classifier: Optional[Classifier] = None,
        policy: Optional[dict[str, Any]] = None,
        detector: Optional[DuplicateDetector] = None,
    ) -> None: ...
    def add_article(self, id: str, title: str, body: str) -> None: ...
    def close_article(self, id: str) -> None: ...
    def moderate(
        self,
        text: str,
        id: Optional[str] = None,
        author: Optional[str] = None,
        article_id: Optional[str] = None,
        parent_id: Optional[str] = None,
    ) -> dict[str, Any]: ...
    def feedback(
        self,
        text: str,
        label: str,
        author: Optional[str] = None,
        article_id: Optional[str] = None,
        parent_id: Optional[str] = None,
    ) -> bool: ...
    @property
    def classifier(self) -> Classifier: ...
    def save_model(self, path: _Path) -> None: ...
