"""esurety-tui: Net Desk electronic surety (電子保証) in the terminal."""

__version__ = "0.1.0"
