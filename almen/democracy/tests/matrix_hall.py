"""The authorisation matrix's rows for the democracy's hall: merged into
``almen/access/tests/test_matrix.py``'s EXPECTED (imported at its end, so the
helpers of test_matrix can be used here through ``m``)."""

from __future__ import annotations

from almen.access.tests import test_matrix as m

# Route parameters of the hall (the matrix's values; test_matrix.ARGS is shared, so
# the hall adds its own here). The POST-only routes answer 405 to a GET before any
# object is looked up; the QR route is given a code we did not sign (a valid one is
# walked persona by persona in test_hall_views.py).
_args: dict[str, str] = m.ARGS  # type: ignore[has-type]
_args.setdefault("item_id", "1")
_args.setdefault("amendment_id", "1")
_args.setdefault("attendance_id", "1")
_args.setdefault("token", "ikke-en-gyldig-kode")

# The hall of estate A's noticed meeting: its managers only (the estate's board and
# the organisation's staff). The organisation board reads the meeting but does not run
# it (403); the estate's residents and the organisation's other members 403; everyone
# else is an outsider (404).
HALL_MANAGE = {
    **m.everyone(404),
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 403,
    "org_staff": 200,
    m.ANON: 302,
}
HALL = "moeder/<uuid:meeting_id>/salen/"

EXPECTED: dict[str, dict[str, int]] = {
    HALL: HALL_MANAGE,
    f"{HALL}antal/": HALL_MANAGE,
    # POST-only (check-in, undo with its confirmation, proxy, votes, candidates,
    # election, closing with its confirmation): GET is 405 for everyone.
    f"{HALL}tjek-ind/": m.everyone(405),
    f"{HALL}fremmoede/<int:attendance_id>/fortryd/": m.everyone(405),
    f"{HALL}fuldmagt/": m.everyone(405),
    f"{HALL}punkter/<int:item_id>/afstemning/": m.everyone(405),
    f"{HALL}punkter/<int:item_id>/kandidater/": m.everyone(405),
    f"{HALL}punkter/<int:item_id>/valg/": m.everyone(405),
    f"{HALL}aendringsforslag/<int:amendment_id>/afstemning/": m.everyone(405),
    f"{HALL}afslut/": m.everyone(405),
    # The QR code of the notice letter: the same decision as the hall, then the code
    # itself (one we did not sign: a Danish 400 page for the managers).
    "moeder/<uuid:meeting_id>/tjek-ind/<str:token>/": {
        **HALL_MANAGE,
        "estate_board_a": 400,
        "org_staff": 400,
    },
    # What the estate's meeting decided (proxies, two ordinary meetings): recorded by
    # the organisation's staff; its members read-only (403), outsiders 404.
    "organisationer/<str:cvr>/afdelinger/<int:number>/moederegler/": {
        **m.everyone(404),
        "resident_a": 403,
        "resident_b": 403,
        "estate_board_a": 403,
        "org_board": 403,
        "org_staff": 200,
        m.ANON: 302,
    },
}
