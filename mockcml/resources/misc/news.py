"""News feeds: the articles a workspace's home page shows, as fixed data.

Titles, links and dates are the mock's own. An article is ``is_new`` for 30 days after
its date on the mock clock; ``is_viewed`` is never set, as no operation marks one read.
[inferred] The categories are the ones listed here; ``all`` lists every category and any
other category is INVALID_ARGUMENT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlmodel import Session

from mockcml.core.errors import InvalidArgument
from mockcml.kit.listing import Listing, Page, page
from mockcml.kit.wire import timestamp

NEW_FOR = 30 * 86400.0
ALL = "all"


@dataclass(frozen=True)
class Article:
    id: int
    category: str
    title: str
    description: str
    tags: tuple[str, ...]
    link: str
    date: str  # ISO date

    @property
    def at(self) -> float:
        return datetime.fromisoformat(self.date).replace(tzinfo=UTC).timestamp()


ARTICLES: tuple[Article, ...] = (
    Article(1, "announcements", "ML Runtimes 2025.01 are available",
            "New Python 3.12 and R 4.4 runtimes, with JupyterLab 4.",
            ("runtimes",), "https://example.com/mockcml/news/runtimes-2025-01", "2025-01-20"),
    Article(2, "announcements", "Legacy engines are deprecated",
            "Move projects to ML Runtimes before legacy engines are turned off.",
            ("engines", "deprecation"), "https://example.com/mockcml/news/engines", "2024-11-04"),
    Article(3, "amps", "New AMP: document question answering",
            "Build a retrieval-augmented assistant over your own documents.",
            ("amp", "llm"), "https://example.com/mockcml/news/amp-rag", "2025-03-10"),
    Article(4, "amps", "New AMP: churn prediction with explanations",
            "Train and explain a churn model end to end.",
            ("amp",), "https://example.com/mockcml/news/amp-churn", "2024-09-16"),
    Article(5, "blogs", "Scheduling jobs with dependencies",
            "Chain jobs so that each starts when its parent succeeds.",
            ("jobs",), "https://example.com/mockcml/news/job-chains", "2025-02-02"),
)
CATEGORIES = tuple(sorted({a.category for a in ARTICLES}))


def _view():
    selects = [select(literal(a.id).label("id"), literal(a.category).label("category"),
                      literal(a.at).label("at")) for a in ARTICLES]
    return union_all(*selects).subquery("news_feeds")


VIEW = _view()
# Newest first; the route takes no filter or sort.
LISTING = Listing(filters={}, sorts={"at": VIEW.c.at}, tiebreak=VIEW.c.id,
                  default_sort=(("at", True),))
BY_ID = {a.id: a for a in ARTICLES}


def list_feeds(session: Session, category: str, params: dict[str, Any]) -> Page:
    if category != ALL and category not in CATEGORIES:
        raise InvalidArgument(
            f"unknown news category {category!r}, expected one of {[ALL, *CATEGORIES]}")
    query = select(VIEW.c.id)
    if category != ALL:
        query = query.where(VIEW.c.category == category)
    return page(session, query, LISTING, {k: params.get(k) for k in ("page_size", "page_token")})


def wire(article: Article, now: float) -> dict[str, Any]:
    return {"title": article.title, "description": article.description,
            "category": article.category, "tags": list(article.tags), "link": article.link,
            "imgpath": "", "is_viewed": False, "date": timestamp(article.at), "icon": "",
            "is_new": 0 <= now - article.at < NEW_FOR,
            "description_html": f"<p>{article.description}</p>"}
