"""The audit of a secret ballot (issue 9, decision 0030): ``manage.py ballot_verify``
on the database and ``bulletin_verify.py`` on the downloaded bulletin find every
tampering with the box — an entry altered, deleted, inserted or moved, an option
renamed, totals that do not add up — and pass an intact one.

Each case tampers twice: with the rows in the database (then ``ballot_verify``), and
with the bulletin file downloaded before, edited as JSON (then the standalone script,
imported and as a separate Python without Django). Both must name the same first
broken link."""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.urls import reverse

from almen.democracy import ballots_box, bulletin_verify
from almen.democracy.ballots_bulletin import box_entries, bulletin_data
from almen.democracy.ballots_testing import close_now, yes_no_ballot
from almen.democracy.bulletin_verify import ENTRY_FIELDS, entry_hash, genesis, verify
from almen.democracy.models import (
    Ballot,
    BallotEntry,
    BallotInbox,
    BallotOption,
    BallotState,
    PaperCount,
    Participation,
)
from almen.democracy.tests.ballots_helpers import counted_ballot, households

pytestmark = pytest.mark.django_db
SCRIPT = Path(bulletin_verify.__file__)
# An entry of the file is a list of ENTRY_FIELDS.
SEQ, TRACKER, MARKS, WEIGHT, PREV, HASH = (
    ENTRY_FIELDS.index(f) for f in ("seq", "tracker", "marks", "weight", "prev_hash", "hash")
)


@pytest.fixture
def ballot(cast) -> Ballot:
    return counted_ballot(cast["org_staff"].user, cast["estate_board_a"].user)


@pytest.fixture
def downloaded(ballot: Ballot, client_for) -> dict[str, Any]:
    """The bulletin file as its reader downloads it, before anyone tampers."""
    url = reverse("democracy:ballot_bulletin_json", args=[ballot.public_id])
    response = client_for("org_staff").get(url)
    assert response.status_code == 200
    return json.loads(response.content)


def db_problem(ballot: Ballot) -> str:
    """``ballot_verify``'s first broken link ("" when intact)."""
    try:
        call_command("ballot_verify", str(ballot.public_id), stdout=io.StringIO())
    except CommandError as exc:
        assert exc.returncode == 1, exc
        return str(exc).removeprefix("BROKEN: ")
    return ""


def file_problem(data: dict[str, Any], tmp_path: Path, capsys) -> str:
    """The standalone script's first broken link on ``data`` written to a file."""
    path = tmp_path / "opslag.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    code = bulletin_verify.main([str(path)])
    err = capsys.readouterr().err.strip()
    assert code == (1 if err else 0), (code, err)
    return err.removeprefix("BROKEN: ")


def standalone(data: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The script as an auditor runs it: a separate Python without site-packages (-S,
    so no Django) and without our paths (-I)."""
    path = tmp_path / "hentet.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return subprocess.run(  # noqa: S603 - our own script and file
        [sys.executable, "-I", "-S", str(SCRIPT), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def rechain(entries: list[list[Any]], ballot_id: str, start: str) -> str:
    """What an attacker who knows the algorithm does: number and hash every entry
    again from the genesis; returns the new head."""
    prev = start
    for n, e in enumerate(entries, start=1):
        e[SEQ], e[PREV] = n, prev
        e[HASH] = prev = entry_hash(prev, ballot_id, n, e[TRACKER], e[MARKS], e[WEIGHT])
    return prev


def recount(data: dict[str, Any]) -> None:
    """...and writes a tally that matches the box it made."""
    tally = data["tally"]
    for position, row in tally["options"].items():
        row["digital"] = sum(e[WEIGHT] for e in data["entries"] if position in e[MARKS])
        row["total"] = row["digital"] + row["salen"] + row["papir"]
    tally["votes_digital"] = sum(e[WEIGHT] for e in data["entries"])
    tally["votes"] = tally["votes_digital"] + tally["votes_hall"] + tally["votes_paper"]
    tally["blank"] = tally["options"]["3"]["total"]
    tally["box_size"], tally["chain_head"] = len(data["entries"]), data["chain_head"]


# --- the intact box --------------------------------------------------------------------


def test_an_intact_box_passes_on_the_database_the_file_and_the_standalone_script(
    ballot, downloaded, tmp_path, capsys
) -> None:
    assert ballot.box_size == 5
    assert db_problem(ballot) == ""
    assert file_problem(downloaded, tmp_path, capsys) == ""
    run = standalone(downloaded, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "OK: 5 entries, 7 digital votes" in run.stdout
    assert ballot.chain_head in run.stdout


def test_the_file_is_the_bulletin_of_the_database(ballot, downloaded) -> None:
    assert downloaded == json.loads(json.dumps(bulletin_data(ballot)))
    assert downloaded["format"] == "almen-ballot-v1"
    assert [e[SEQ] for e in downloaded["entries"]] == [1, 2, 3, 4, 5]
    assert downloaded["participation"] == {
        "households": 6,
        "votes_digital": 7,
        "votes_hall": 4,
        "votes_paper": 0,
    }
    assert downloaded["hand_counts"] == [{"channel": "salen", "counts": {"1": 2, "2": 1, "3": 0}}]
    assert downloaded["tally"]["options"]["1"] == {"digital": 3, "salen": 2, "papir": 0, "total": 5}


def test_the_command_checks_a_downloaded_file(ballot, downloaded, tmp_path) -> None:
    path = tmp_path / "opslag.json"
    path.write_text(json.dumps(downloaded), encoding="utf-8")
    call_command("ballot_verify", "--file", str(path), stdout=io.StringIO())
    downloaded["entries"][0][MARKS] = "2" if downloaded["entries"][0][MARKS] != "2" else "1"
    path.write_text(json.dumps(downloaded), encoding="utf-8")
    with pytest.raises(CommandError, match="entry 1: hash does not match") as raised:
        call_command("ballot_verify", str(ballot.public_id), "--file", str(path))
    assert raised.value.returncode == 1


# --- tampering: the database and the file, the same first broken link ------------------


def _other_marks(marks: str) -> str:
    return "2" if marks != "2" else "1"


def db_alter(ballot: Ballot) -> None:
    entry = BallotEntry.objects.get(ballot=ballot, seq=3)
    BallotEntry.objects.filter(pk=entry.pk).update(marks=_other_marks(entry.marks))


def file_alter(data: dict[str, Any]) -> None:
    data["entries"][2][MARKS] = _other_marks(data["entries"][2][MARKS])


def db_weight(ballot: Ballot) -> None:
    entry = BallotEntry.objects.get(ballot=ballot, seq=2)
    BallotEntry.objects.filter(pk=entry.pk).update(weight=3 - entry.weight)


def file_weight(data: dict[str, Any]) -> None:
    data["entries"][1][WEIGHT] = 3 - data["entries"][1][WEIGHT]


def db_delete(ballot: Ballot) -> None:
    BallotEntry.objects.filter(ballot=ballot, seq=2).delete()


def file_delete(data: dict[str, Any]) -> None:
    del data["entries"][1]


def db_delete_last(ballot: Ballot) -> None:
    BallotEntry.objects.filter(ballot=ballot, seq=5).delete()


def file_delete_last(data: dict[str, Any]) -> None:
    data["entries"].pop()


def _forged(ballot_id: str, prev: str, seq: int) -> list[Any]:
    """A well-formed paper (2 votes for Ja) chained on ``prev``, as an entry of the file."""
    digest = entry_hash(prev, ballot_id, seq, "ZZZ-ZZZ-ZZZ", "1", 2)
    return [seq, 9, "ZZZ-ZZZ-ZZZ", "1", 2, prev, digest]


def _forged_row(ballot: Ballot, prev: str, seq: int) -> BallotEntry:
    """The same, as a row of the box."""
    fields = dict(zip(ENTRY_FIELDS, _forged(str(ballot.public_id), prev, seq), strict=True))
    return BallotEntry.objects.create(ballot=ballot, **fields)


def db_insert_bad_hash(ballot: Ballot) -> None:
    BallotEntry.objects.create(
        ballot=ballot, seq=6, batch=9, tracker="ZZZ-ZZZ-ZZZ", marks="1", weight=2,
        prev_hash=ballot.chain_head, hash="0" * 64,
    )  # fmt: skip


def file_insert_bad_hash(data: dict[str, Any]) -> None:
    data["entries"].append([*_forged(data["ballot"]["id"], data["chain_head"], 6)[:HASH], "0" * 64])


def db_insert(ballot: Ballot) -> None:
    """A well-formed ballot paper chained on at the end."""
    _forged_row(ballot, ballot.chain_head, 6)


def file_insert(data: dict[str, Any]) -> None:
    data["entries"].append(_forged(data["ballot"]["id"], data["chain_head"], 6))


def db_insert_and_head(ballot: Ballot) -> None:
    """...and the ballot's chain head, box size and tally moved with it."""
    db_insert(ballot)
    forged = _forged(str(ballot.public_id), ballot.chain_head, 6)
    Ballot.objects.filter(pk=ballot.pk).update(chain_head=forged[HASH], box_size=6)
    Ballot.objects.filter(pk=ballot.pk).update(
        tally=ballots_box.tally(Ballot.objects.get(pk=ballot.pk))
    )


def file_insert_and_head(data: dict[str, Any]) -> None:
    file_insert(data)
    data["chain_head"], data["box_size"] = data["entries"][-1][HASH], 6
    recount(data)


def db_insert_middle(ballot: Ballot) -> None:
    """A paper slipped in between entries 2 and 3 (the later ones moved up one)."""
    for seq in range(5, 2, -1):
        BallotEntry.objects.filter(ballot=ballot, seq=seq).update(seq=seq + 1)
    prev = BallotEntry.objects.get(ballot=ballot, seq=2).hash
    _forged_row(ballot, prev, 3)


def file_insert_middle(data: dict[str, Any]) -> None:
    for entry in data["entries"][2:]:
        entry[SEQ] += 1
    data["entries"].insert(2, _forged(data["ballot"]["id"], data["entries"][1][HASH], 3))


def db_reorder(ballot: Ballot) -> None:
    """Entries 2 and 4 swap places (through a free number: seq is unique)."""
    rows = BallotEntry.objects.filter(ballot=ballot)
    rows.filter(seq=2).update(seq=1000)
    rows.filter(seq=4).update(seq=2)
    rows.filter(seq=1000).update(seq=4)


def file_reorder(data: dict[str, Any]) -> None:
    entries = data["entries"]
    entries[1][SEQ], entries[3][SEQ] = 4, 2
    entries.sort(key=lambda e: e[SEQ])


def db_option(ballot: Ballot) -> None:
    BallotOption.objects.filter(ballot=ballot, position=1).update(label="Nej tak")


def file_option(data: dict[str, Any]) -> None:
    data["options"][0]["label"] = "Nej tak"


def db_option_swapped(ballot: Ballot) -> None:
    """Ja and Nej swap their texts: every Ja vote would read as Nej."""
    options = BallotOption.objects.filter(ballot=ballot)
    options.filter(position=1).update(label="Nej", kind="nej")
    options.filter(position=2).update(label="Ja", kind="ja")


def file_option_swapped(data: dict[str, Any]) -> None:
    first, second = data["options"][0], data["options"][1]
    first["label"], first["kind"], second["label"], second["kind"] = "Nej", "nej", "Ja", "ja"


def db_rechain(ballot: Ballot) -> None:
    """Entry 3 deleted, and everything recomputed: seq, every hash, the head, the box
    size and the tally. Only the households' participation still says 7 votes."""
    BallotEntry.objects.filter(ballot=ballot, seq=3).delete()
    boxed = BallotEntry.objects.filter(ballot=ballot).order_by("seq")
    rows = [[*row] for row in boxed.values_list(*ENTRY_FIELDS, "id")]
    start = bulletin_verify.genesis(
        str(ballot.public_id),
        BallotOption.objects.filter(ballot=ballot).values_list("position", "kind", "label"),
    )
    head = rechain(rows, str(ballot.public_id), start)
    for row in rows:
        BallotEntry.objects.filter(pk=row[-1]).update(
            seq=row[SEQ] + 1000, prev_hash=row[PREV], hash=row[HASH]
        )
    BallotEntry.objects.filter(ballot=ballot).update(seq=F("seq") - 1000)
    Ballot.objects.filter(pk=ballot.pk).update(chain_head=head, box_size=len(rows))
    Ballot.objects.filter(pk=ballot.pk).update(
        tally=ballots_box.tally(Ballot.objects.get(pk=ballot.pk))
    )


def file_rechain(data: dict[str, Any]) -> None:
    del data["entries"][2]
    start = genesis(
        data["ballot"]["id"], [(o["position"], o["kind"], o["label"]) for o in data["options"]]
    )
    data["chain_head"] = rechain(data["entries"], data["ballot"]["id"], start)
    data["box_size"] = len(data["entries"])
    recount(data)


def db_tally(ballot: Ballot) -> None:
    tally = dict(ballot.tally or {})
    tally["options"]["2"]["digital"] += 1
    Ballot.objects.filter(pk=ballot.pk).update(tally=tally)


def file_tally(data: dict[str, Any]) -> None:
    data["tally"]["options"]["2"]["digital"] += 1


def db_tally_total(ballot: Ballot) -> None:
    tally = dict(ballot.tally or {})
    tally["votes"] += 2
    Ballot.objects.filter(pk=ballot.pk).update(tally=tally)


def file_tally_total(data: dict[str, Any]) -> None:
    data["tally"]["votes"] += 2


def db_hand_count(ballot: Ballot) -> None:
    """The confirmed hall count changed after the count: 1 more Ja."""
    PaperCount.objects.filter(ballot=ballot).update(counts={"1": 3, "2": 1, "3": 0})


def file_hand_count(data: dict[str, Any]) -> None:
    data["hand_counts"][0]["counts"]["1"] = 3


def db_hand_count_over(ballot: Ballot) -> None:
    """A hall count of more votes than the households in the hall had."""
    PaperCount.objects.filter(ballot=ballot).update(counts={"1": 4, "2": 1, "3": 0})


def file_hand_count_over(data: dict[str, Any]) -> None:
    data["hand_counts"][0]["counts"]["1"] = 4


def db_hand_count_negative(ballot: Ballot) -> None:
    """A Nej count made negative to make room for more Ja within the hall's votes."""
    PaperCount.objects.filter(ballot=ballot).update(counts={"1": 5, "2": -1, "3": 0})


def file_hand_count_negative(data: dict[str, Any]) -> None:
    data["hand_counts"][0]["counts"] = {"1": 5, "2": -1, "3": 0}


def db_participation(ballot: Ballot) -> None:
    """A household's digital vote recorded, its paper never in the box."""
    household = households(1)[0]
    Participation.objects.create(ballot=ballot, household=household, votes_digital=1)


def file_participation(data: dict[str, Any]) -> None:
    data["participation"]["votes_digital"] += 1
    data["participation"]["households"] += 1


CASES: dict[str, tuple[Callable[[Ballot], None], Callable[[dict[str, Any]], None], str]] = {
    "altered marks": (db_alter, file_alter, "entry 3: hash does not match"),
    "altered weight": (db_weight, file_weight, "entry 2: hash does not match"),
    "deleted": (db_delete, file_delete, "entry 2 missing (seq jumps 1 → 3)"),
    "deleted last": (db_delete_last, file_delete_last, "chain head differs"),
    "inserted, bad hash": (
        db_insert_bad_hash,
        file_insert_bad_hash,
        "entry 6: hash does not match",
    ),
    "inserted": (db_insert, file_insert, "chain head differs"),
    "inserted with head": (
        db_insert_and_head,
        file_insert_and_head,
        "box holds 9 digital votes but 7 were recorded as cast",
    ),
    "inserted in the middle": (
        db_insert_middle,
        file_insert_middle,
        "entry 4: does not follow entry 3",
    ),
    "reordered": (db_reorder, file_reorder, "entry 2: does not follow entry 1"),
    "option renamed": (db_option, file_option, "entry 1: does not follow the ballot's options"),
    "options swapped": (
        db_option_swapped,
        file_option_swapped,
        "entry 1: does not follow the ballot's options",
    ),
    "deleted and rechained": (
        db_rechain,
        file_rechain,
        "digital votes but 7 were recorded as cast",
    ),
    "tally changed": (
        db_tally,
        file_tally,
        "totals differ: option 2 has 3 in the box but 4 in the tally",
    ),
    "tally total changed": (db_tally_total, file_tally_total, "totals differ: votes is 10"),
    "hand count changed": (
        db_hand_count,
        file_hand_count,
        "totals differ: option 1 has 3 in the hall count but 2 in the tally",
    ),
    "hand count over the hall": (
        db_hand_count_over,
        file_hand_count_over,
        "the hall count holds 5 votes but only 4 were recorded as cast on hall",
    ),
    "hand count negative": (
        db_hand_count_negative,
        file_hand_count_negative,
        "the hall count has -1 votes for 2",
    ),
    "a vote never in the box": (
        db_participation,
        file_participation,
        "box holds 7 digital votes but 8 were recorded as cast",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tampering_is_reported_on_the_database_and_on_the_file(
    case: str, ballot, downloaded, tmp_path, capsys
) -> None:
    on_db, on_file, message = CASES[case]
    on_db(ballot)
    found = db_problem(ballot)
    assert message in found, found
    on_file(downloaded)
    assert file_problem(downloaded, tmp_path, capsys) == found


@pytest.mark.parametrize(
    "case", ["deleted", "reordered", "option renamed", "deleted and rechained"]
)
def test_the_standalone_script_reports_tampering_without_django(
    case: str, downloaded, tmp_path
) -> None:
    CASES[case][1](downloaded)
    run = standalone(downloaded, tmp_path)
    assert run.returncode == 1
    assert run.stderr.startswith("BROKEN: ")
    assert CASES[case][2] in run.stderr


# --- what else the checks refuse -------------------------------------------------------


def test_a_vote_left_in_the_pool_after_close_is_reported(ballot) -> None:
    BallotInbox.objects.create(ballot=ballot, tracker="YYY-YYY-YYY", marks="1", weight=1)
    assert db_problem(ballot) == "1 vote(s) still in the pool, never entered into the box"


def test_a_closed_ballot_not_yet_counted_is_checked_without_a_tally(cast) -> None:
    ballot = yes_no_ballot()
    for household, marks in zip(households(3), ([1], [2], [3]), strict=True):
        ballots_box.cast(ballot=ballot, household=household, user=None, marks=marks, votes=1)
    ballot = close_now(ballot)
    assert ballot.state == BallotState.CLOSED and ballot.tally is None
    assert db_problem(ballot) == ""
    BallotEntry.objects.filter(ballot=ballot, seq=3).delete()
    BallotEntry.objects.filter(ballot=ballot).update(marks="1")
    assert "hash does not match" in db_problem(ballot)


def test_an_empty_closed_box_passes_and_a_stuffed_one_does_not(cast) -> None:
    ballot = close_now(yes_no_ballot())
    assert ballot.box_size == 0
    assert db_problem(ballot) == ""
    data = bulletin_data(ballot)
    data["participation"]["votes_digital"] = 2
    assert verify(data).problem == "box holds 0 digital votes but 2 were recorded as cast"


def test_an_open_ballot_is_not_checked(cast) -> None:
    ballot = yes_no_ballot()
    with pytest.raises(CommandError, match="urnen kontrolleres, når afstemningen er lukket") as e:
        call_command("ballot_verify", str(ballot.public_id))
    assert e.value.returncode == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["00000000-0000-4000-8000-00000000dead"], "Ingen afstemning med id"),
        (["ikke-et-id"], "Ikke et afstemnings-id"),
        ([], "Angiv afstemningens id eller --file"),
        (["--file", "/ingen/fil.json"], "Filen kan ikke læses"),
    ],
)
def test_nothing_to_check_exits_2(args: list[str], message: str, db) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        call_command("ballot_verify", *args)
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    "content",
    ["", "[]", '{"format": "almen-ballot-v1"}', '{"format": "noget andet"}', "{ikke json"],
)
def test_a_file_that_is_not_a_bulletin_is_refused_without_a_traceback(
    content: str, tmp_path, capsys
) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    code = bulletin_verify.main([str(path)])
    err = capsys.readouterr().err
    assert code in (1, 2)
    assert "Traceback" not in err and err.strip()


def test_the_script_without_a_file_prints_its_usage(capsys) -> None:
    assert bulletin_verify.main([]) == 2
    assert "usage: python3 bulletin_verify.py bulletin.json" in capsys.readouterr().err


def test_the_verifier_is_standalone() -> None:
    """Only the standard library: an auditor needs nothing but Python."""
    source = SCRIPT.read_text(encoding="utf-8")
    imports = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports <= {
        "__future__",
        "hashlib",
        "json",
        "sys",
        "collections",
        "dataclasses",
        "typing",
    }


def test_the_bulletin_is_read_in_the_same_few_queries_however_full_the_box(
    ballot, django_assert_num_queries
) -> None:
    ballot = Ballot.objects.select_related("estate__organisation").get(pk=ballot.pk)
    with django_assert_num_queries(5):
        small = bulletin_data(ballot)
    bigger = yes_no_ballot()
    for household in households(45):
        ballots_box.cast(ballot=bigger, household=household, user=None, marks=[2], votes=1)
    bigger = Ballot.objects.select_related("estate__organisation").get(pk=close_now(bigger).pk)
    with django_assert_num_queries(5):
        large = bulletin_data(bigger)
    assert (len(small["entries"]), len(large["entries"])) == (5, 45)


def test_the_box_is_read_as_the_orm_would_and_the_collector_left_as_it_was(ballot) -> None:
    """``box_entries`` reads with a plain cursor and pauses the garbage collector
    (decision 0035): the same rows as the ORM's, and the collector as it was before,
    whether it was on or off."""
    orm = list(BallotEntry.objects.filter(ballot=ballot).order_by("seq").values_list(*ENTRY_FIELDS))
    assert gc.isenabled()
    assert box_entries(ballot) == orm and len(orm) == 5
    assert gc.isenabled()
    gc.disable()
    try:
        assert box_entries(ballot) == orm
        assert not gc.isenabled()
    finally:
        gc.enable()
