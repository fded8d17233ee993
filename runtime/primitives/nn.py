"""Neural-network primitives: convolution, pooling, normalisation, dropout."""
