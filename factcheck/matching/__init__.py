"""Seen-before claim matching: which archived fact-checks a new claim (or a tweet) repeats.

Two stages. The first stage's index of rare words (index.py) offers up to 100 archived
fact-checks and 20 verified claims sharing the most of the text's rare words; `rank(text,
candidates)` reorders them in pure Python with a small trained model (matcher_model.json) and
gives each a score in [0, 1]. New claims wait in a queue (queue.py) for a background matcher.
"""
