"""Session Navigator: navigate, annotate and cite long event recordings."""
