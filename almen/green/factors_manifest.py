"""What the factors part of grøn drift registers (called from ``manifest.register``)."""

from __future__ import annotations


def register() -> None:
    pass
