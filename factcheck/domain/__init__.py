"""The newsroom's rules and queries: plain functions on a SQLModel Session, no Flask.

The views (factcheck/views/) and the command line (factcheck/cli.py) call the same functions
here. Writes leave committing to the caller's one transaction; refusals raise the exceptions of
factcheck.errors, with a message for the reviewer.
"""
