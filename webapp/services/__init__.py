"""Plain functions holding hailong's logic; views and CLI commands call them with a session."""
