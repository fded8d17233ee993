import numpy as np


def recursive_power_value_and_grad(x):
    # return half * half if n % 2 == 0 else half * half * x
    half = x * x
    mul = half * half
    mul_1 = mul * x
    # return ops.sum(power(x, 5))
    out = np.sum(mul_1)
    # grad of: return half * half if n % 2 == 0 else half * half * x
    mul_2 = x * half
    dhalf = mul_2 + mul_2
    mul_3 = dhalf * x
    dhalf_1 = mul_3 + mul_3
    dx = mul + dhalf_1
    return (out, dx)
