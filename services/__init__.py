"""Every business operation: typed module-level verbs; they flush, never commit."""
