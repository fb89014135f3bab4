"""Stridescope: the command line and the glue between the vision, metrics and reports layers."""

__version__ = "0.1.0"
