"""Counts and reads: sharded counters, the public figures, goals, the organisers' dashboard and notices."""
