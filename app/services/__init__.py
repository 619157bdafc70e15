"""Domain rules as plain keyword-only functions; the API and HTML routes both call these."""
