"""Administration: the unit tree, users, API keys, imports (units, dossier counts) and
publishing survey versions, with their admin pages (``views``, ``edit``)."""
