"""Benchmarks: most are scripts run as files (`.venv/bin/python bench/scale.py`); the attack probes
are a package run as a module (`.venv/bin/python -m bench.attack`)."""
