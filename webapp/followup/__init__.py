"""Follow-up: citizens' comments and staff replies, action plans (remedies) and the unit's
publication choice with its public transparency page."""
