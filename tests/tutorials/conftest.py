"""Fixtures for the tutorial, widget and Binder tests (tests/tutorials/)."""

from __future__ import annotations
