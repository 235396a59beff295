"""Git access for the git check family: batched facts, never one call per item."""
