"""Public pages that belong to no other area: the home page, health check, language switch."""
