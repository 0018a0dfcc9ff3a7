"""Survey taking, the citizen's path: counter and dossier tokens, survey pages, rate limits,
recording responses and the contact details kept apart from them."""
