"""Maintenance after discharge: check-ins at set moments, a recurrence flag when the answers worsen, and
"come back if…"."""
