"""Counters (service desks) and their QR posters: counter records, signed counter URLs, QR
matrices and printable posters."""
