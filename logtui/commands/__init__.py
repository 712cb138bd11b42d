"""One module per ``logtui`` subcommand: light at import time, heavy only inside ``run``."""
