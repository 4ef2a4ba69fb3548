"""Store adapters. Only this package talks to a database driver."""
