"""The goal page's lists of adoptions and contributions are read through an index that
matches their filter and order (bench/plans.py checks the same at national scale).

Without it SQLite walked the (organisation, estate) ordering index over every goal:
35–45 ms a query on 30,000 goals. The composite index makes the choice independent of
the data size, so the plan can be checked on a small database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from almen.goals.testing import GOAL_ID, matrix_goal_create

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="PostgreSQL plans small tables with sequential scans; bench/plans.py "
        "checks its plans at national scale",
    ),
]


def test_goal_page_reads_adoptions_and_contributions_by_index(cast, client_for) -> None:
    matrix_goal_create()
    with CaptureQueriesContext(connection) as queries:
        assert client_for("org_staff").get(f"/maal/{GOAL_ID}/").status_code == 200
    plans = {}
    for query in queries.captured_queries:
        sql = query["sql"]
        for column, index in [
            ("inspired_by_id", "goal_adoptions_order"),
            ("contributes_to_id", "goal_contributions_order"),
        ]:
            if sql.startswith("SELECT") and f'"goals_goal"."{column}" = ' in sql:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plans[column] = (index, " | ".join(row[-1] for row in cursor.fetchall()))
    assert set(plans) == {"inspired_by_id", "contributes_to_id"}, plans
    for index, plan in plans.values():
        # The page reads only the ids here (the rows come by primary key): the index
        # covers the query.
        assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
