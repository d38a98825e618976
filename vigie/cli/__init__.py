"""`vigie`: the command line of the watch (SPEC §2), the top layer and the only one that imports every other.
Every command explains itself with --help, and a problem is one line on stderr with a non-zero exit, never a
traceback. Commands are grouped by what they do: run.py (the pipeline), data.py (parse, query, export),
publish.py (feeds, the service), newsletter.py, users.py (newsroom accounts); report.py prints what they return."""

from vigie.cli import data, newsletter, places, publish, run, users, worker  # noqa: F401 - importing a module registers its commands
from vigie.cli.app import app

__all__ = ["app"]
