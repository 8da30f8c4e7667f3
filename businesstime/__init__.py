"""Business time without Django: calendars as plain data, due instants, pauses (the SLA clock).

The bottom floor of the project: it imports nothing of it, and everything may import it.
``clock`` is the public entry point; ``calendar_spec`` holds the calendar data and
``timeline`` the precomputed yearly arrays the clock bisects.
"""
