"""Workflows: apply, review, issue, D-Sure, mail. Transactions live here; no Textual."""
