"""Staff sign-in and sign-out, and the access rules every staff page uses (``access``)."""
