"""Reading one document: its bytes, front matter, blocks, model and type."""
