"""`x[index]` as an op (Tensor.__getitem__)."""
