"""`manage.py worker`: runs background tasks (imports, reports) from the database queue.

A thin name over django-tasks-db's ``db_worker`` so that deployment docs and
process managers use one stable command whatever backend we choose later.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Runs Almen's background tasks (database-backed queue; SQLite or PostgreSQL)."
