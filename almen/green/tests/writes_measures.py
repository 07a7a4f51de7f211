"""The write-matrix rows for green measures and involvement: merged into
``almen/access/tests/test_writes.py``'s WRITES. Each is a real write against the
matrix's measure and involvement entry of estate A (``testing_measures``): the
organisation's staff and the estate's board write, everyone else gets the matrix's
answer and nothing changes. Deleting posts the confirmation page's form (its
``confirm``); a photo is a real PNG with its text for screen readers."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.green.tests.matrix_measures import ESTATE, INVOLVEMENT, LOG, MANAGE, MEASURE


def _png() -> bytes:
    from almen.attachments.tests.files import image

    return image("PNG")


class Photo:
    """A file the test client sends whole for every persona (it reads it each time)."""

    name = "blomstereng.png"
    content_type = "image/png"

    def __init__(self) -> None:
        self.content = _png()

    def read(self) -> bytes:
        return self.content


OUTCOMES = w._post_only(MANAGE)

WRITES: dict[str, Any] = {
    f"{ESTATE}nyt/": w.Write(
        data=lambda: {
            "kind": "green_roof",
            "title": "Grønt tag på cykelskuret",
            "done_on": "2026-05-01",
            "quantity": "30",
        },
        outcomes=OUTCOMES,
    ),
    f"{MEASURE}rediger/": w.Write(
        data=lambda: {"title": "Blomstereng, udvidet", "area_m2": "150"}, outcomes=OUTCOMES
    ),
    f"{MEASURE}slet/": w.Write(outcomes=OUTCOMES),
    f"{MEASURE}fotos/ny/": w.Write(
        data=lambda: {"alt_text": "Blomstereng med valmuer foran blok 3", "file": Photo()},
        outcomes=OUTCOMES,
    ),
    f"{LOG}ny/": w.Write(
        data=lambda: {
            "kind": "workday",
            "title": "Plantedag i gården",
            "held_on": "2026-04-18",
            "participants": "23",
            "households": "15",
        },
        outcomes=OUTCOMES,
    ),
    f"{INVOLVEMENT}rediger/": w.Write(data=lambda: {"participants": "16"}, outcomes=OUTCOMES),
    f"{INVOLVEMENT}slet/": w.Write(outcomes=OUTCOMES),
}
