from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from almen.goals.access import framework_for_view
from almen.lib.i18n import localized

router = Router(tags=["almene mål"])


class TextOut(Schema):
    da: str
    en: str


class CommitmentOut(Schema):
    code: str
    number: int
    text: TextOut


class CornerstoneOut(Schema):
    number: int
    title: TextOut
    commitments: list[CommitmentOut]


class PrerequisiteOut(Schema):
    code: str
    number: int
    text: TextOut


class FrameworkOut(Schema):
    slug: str
    title: TextOut
    period_start: int
    period_end: int
    publisher: str
    credit: TextOut
    cornerstones: list[CornerstoneOut]
    prerequisites: list[PrerequisiteOut]


def _text(obj: object, field: str) -> dict[str, str]:
    return {"da": localized(obj, field, "da"), "en": localized(obj, field, "en")}


@router.get(
    "/frameworks/current",
    response={200: FrameworkOut, 404: dict},
    summary="Det gældende rammeværk (Almene mål) med pejlemærker, punkter og forudsætninger",
)
def framework_current(request: HttpRequest):
    try:
        framework = framework_for_view(request)
    except Http404:
        return 404, {"detail": "Der er intet offentliggjort rammeværk."}
    return {
        "slug": framework.slug,
        "title": _text(framework, "title"),
        "period_start": framework.period_start,
        "period_end": framework.period_end,
        "publisher": framework.publisher,
        "credit": _text(framework, "credit"),
        "cornerstones": [
            {
                "number": c.number,
                "title": _text(c, "title"),
                "commitments": [
                    {"code": m.code, "number": m.number, "text": _text(m, "text")}
                    for m in c.commitments.all()
                ],
            }
            for c in framework.cornerstones.all()
        ],
        "prerequisites": [
            {"code": p.code, "number": p.number, "text": _text(p, "text")}
            for p in framework.prerequisites.all()
        ],
    }
