"""The error every layer raises for input a reviewer can fix (no imports: the CLI's `split` uses it)."""


class InvalidInput(ValueError):
    """Input a reviewer can fix; the message says what is wrong, in their words."""
