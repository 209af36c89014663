"""Text analysis shared by the checks: entities (URLs, hashtags, mentions) and lengths."""
