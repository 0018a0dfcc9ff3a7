"""JSON API for other systems under ``/api/v1/``, authenticated by API key (no CSRF, no cookies)."""
