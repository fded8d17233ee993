"""Indexing primitives other than Python subscripts: gather, scatter, masks, one-hot."""
