"""``python -m switchboard ...`` runs the ``switchboard`` command."""

from switchboard.cli import main

raise SystemExit(main())
