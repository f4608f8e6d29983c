"""The pure core: what to push and how to push it. No Django, no InvenTree."""
