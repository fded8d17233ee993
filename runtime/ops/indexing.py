"""Indexing ops: gather, gather_nd, index_select, masked_fill, scatter_add, one_hot."""
