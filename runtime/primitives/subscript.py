"""`x[index]`: the subscript primitive and its adjoint."""
