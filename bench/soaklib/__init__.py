"""Pieces of `bench/soak.py` (fault-injection run): processes, load, faults, verification.

A package, not `bench/*.py` scripts, so that `make bench` runs only `soak.py` itself.
"""
