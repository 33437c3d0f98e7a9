"""The examples in module docstrings are run, so that they stay true."""

import doctest
import importlib

import pytest

MODULES = [
    "articles.ingest.analysis",
    "articles.ingest.decoding",
    "articles.ingest.names",
    "articles.ingest.quantities",
    "articles.ingest.terms",
    "articles.search.query",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted and not result.failed
