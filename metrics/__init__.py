"""Clean landmark tracks, gait events and per-stride clinical measures."""
