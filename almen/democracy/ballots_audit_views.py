"""The bulletin of a counted ballot as a file (decision 0030, docs/voting.md): every
tracker code with its marks, the hash chain and the totals, for anyone who may read
the bulletin to check with ``bulletin_verify.py``. Access in ``access.py``."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from almen.democracy import access, ballots_bulletin
from almen.democracy.models import Ballot
from almen.reports.formats import attachment_header
from almen.reports.packs import ascii_filename

CACHE_SECONDS = 10 * 60


def _cache_key(ballot: Ballot) -> str:
    """A counted box does not change: the file is the same until the ballot's state,
    count, publication or chain head does (a key of the ballot's own fields, so no
    signal has to invalidate it; nothing in it says who voted or what)."""
    parts = [
        str(ballot.pk),
        ballot.state,
        ballot.counted_at.isoformat() if ballot.counted_at else "-",
        ballot.published_at.isoformat() if ballot.published_at else "-",
        str(ballot.box_size),
        ballot.chain_head or "-",
        # A recount writes a new tally (and counted_at); its digest keys it too.
        hashlib.sha256(json.dumps(ballot.tally, sort_keys=True).encode()).hexdigest()[:16],
    ]
    return "democracy:ballot-bulletin:" + ":".join(parts)


@require_GET
def bulletin_json(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    ballot = access.ballot_for_bulletin(request, ballot_id)
    key = _cache_key(ballot)
    content = cache.get(key)
    if content is None:
        content = ballots_bulletin.bulletin_json(ballots_bulletin.bulletin_data(ballot))
        cache.set(key, content, CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    name = ascii_filename(f"afstemning {ballot.title} opslag.json")
    response["Content-Disposition"] = attachment_header(name)
    # The readers of a ballot differ: no shared cache keeps a copy.
    patch_cache_control(response, private=True)
    return response
