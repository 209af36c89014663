"""Review writes: sync from the platform (sync.py), replies (replies.py), reply templates
(templates.py). platform.py is how they reach the provider with a valid token."""
