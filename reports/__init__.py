"""Annotated replays, plots, report files and before/after comparisons."""
