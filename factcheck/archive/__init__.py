"""The archive of fact-checks published elsewhere: reading ClaimReview JSON-LD and JSON-lines files (pure, no database)."""
