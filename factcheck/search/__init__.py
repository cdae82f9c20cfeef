"""Search: the newsroom's claims and the archive of published fact-checks, found by words.

query.py reads what a reviewer types (no database); store.py searches each database's own
full-text index (FTS5 on SQLite, tsvectors on PostgreSQL, kept in step by triggers) and
rebuilds it; command.py is `factcheck search reindex`.
"""
