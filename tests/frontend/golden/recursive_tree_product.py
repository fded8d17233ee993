import numpy as np


def recursive_tree_product_value_and_grad(a, b):
    # return ops.sum(tree_product((ops.sin(a), b, ops.cos(b), a * b, a + 1.0)))
    sin = np.sin(a)
    cos = np.cos(b)
    mul = a * b
    add = a + 1.0
    # return tree_product(items[:mid]) * tree_product(items[mid:])
    mul_1 = sin * b
    mul_2 = mul * add
    mul_3 = cos * mul_2
    mul_4 = mul_1 * mul_3
    # return ops.sum(tree_product((ops.sin(a), b, ops.cos(b), a * b, a + 1.0)))
    out = np.sum(mul_4)
    # grad of: return tree_product(items[:mid]) * tree_product(items[mid:])
    dt = mul_1 * mul_2
    dt_1 = mul_1 * cos
    dt_2 = dt_1 * add
    dt_3 = dt_1 * mul
    dt_4 = mul_3 * b
    mul_5 = mul_3 * sin
    # grad of: return ops.sum(tree_product((ops.sin(a), b, ops.cos(b), a * b, a + 1.0)))
    db = mul_5 + dt_2 * a + -dt * np.sin(b)
    da = dt_3 + dt_2 * b + dt_4 * np.cos(a)
    return (out, (da, db))
