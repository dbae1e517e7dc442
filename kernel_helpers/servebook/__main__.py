"""``python -m servebook ...`` is the ``servebook`` command."""

from servebook.cli import main

raise SystemExit(main())
