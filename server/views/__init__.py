"""One module per view, each with its blueprint ``bp``."""
