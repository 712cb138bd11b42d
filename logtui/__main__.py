"""Allow ``python -m logtui``."""

from logtui.cli import main

raise SystemExit(main())
