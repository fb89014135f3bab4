"""Subcommands of the ``stridescope`` command line (registered in :mod:`stridescope.cli`)."""
