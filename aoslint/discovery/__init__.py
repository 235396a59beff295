"""Finding the documents: the repository's layout, the scan, and what changed since the last one."""
