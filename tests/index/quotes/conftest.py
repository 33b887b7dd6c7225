"""The seed article's quotes, extracted once per module."""

from __future__ import annotations

import pytest

from index.articles import Article, load
from index.quotes import Quote, extract_quotes
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed() -> tuple[Article, list[Quote]]:
    article = next(a for a in load([SEED]) if isinstance(a, Article))
    return article, extract_quotes(article)
