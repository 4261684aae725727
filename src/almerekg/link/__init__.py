"""Linking the graph to other registers: CBS StatLine statistics (cbs.py) and KvK registrations (kvk.py)."""
