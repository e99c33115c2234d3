"""Models land with the issue that builds this app."""
