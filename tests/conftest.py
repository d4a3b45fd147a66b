"""Shared fixtures: the built-in hand is generated once per test session."""

from __future__ import annotations

import pytest

from model.hand import load_builtin_hand
from model.hand.model import HandModel


@pytest.fixture(scope="session")
def builtin_hand() -> HandModel:
    return load_builtin_hand()
