"""Every exit code of the `mdm-hub` commands, in one place. 0 is success; 1 says the command
ran and the answer is no (something failed, is broken or stale); 2 says it could not run on
what it was given (settings, files, arguments)."""

from __future__ import annotations

EXIT_FAILED = 1  # the operation failed (keys: the store refused; neo4j: not started/running)
EXIT_BROKEN = 1  # verify-audit: the audit chain does not verify
EXIT_STALE = 1  # recompute --check: golden records computed by older rules or mappings
EXIT_STOPPED = 1  # load: stopped before the end (bad rows over the limit)

EXIT_BAD_CONFIGURATION = 2  # unusable settings, rule, systems, reference or mapping files
EXIT_BAD_INPUT = 2  # rules fit: unusable labels, records or output path
EXIT_NO_LABELS = 2  # landscape: the folder holds no labels to score against
EXIT_UNUSABLE = 2  # verify-audit: the store cannot be read

EXIT_INTERRUPTED = 130  # load: interrupted (Ctrl-C), as a shell reports SIGINT
