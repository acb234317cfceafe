"""The leaders' summary (no personal data) and its PDF brief."""
