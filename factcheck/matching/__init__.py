"""Seen-before claim matching: which archived fact-checks a new claim (or a tweet) repeats.

Two stages. The database's full-text index returns up to 100 candidates for the OR of
`first_stage_terms(text)`; `rank(text, candidates)` reorders them in pure Python with a small
trained model (matcher_model.json) and gives each a score in [0, 1].
"""
