"""The schema version this code writes and reads (the history is in store.migrations).

A module of its own, without peewee: store.lookup compares a database's version with it before
answering a shell look-up with the standard library's sqlite3 alone. A new migration step raises it
here.
"""

LATEST = 12
