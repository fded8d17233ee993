import numpy as np


def early_exit_depths_value_and_grad(x):
    # s = ops.sum(x)
    s = np.sum(x)
    # if s > 0:
    greater = s > 0
    if greater:
        # m = ops.amax(x)
        m = np.max(x)
        # if m > 1.0:
        greater_1 = m > 1.0
        if greater_1:
            # return ops.sum(ops.log(x * x + 1))
            add = x * x + 1
            out = np.sum(np.log(add))
            add_1 = add
            greater_2 = None
            y = None
        else:
            # if s > 0.5:
            greater_3 = s > 0.5
            if greater_3:
                # return m * s
                out = m * s
                y = None
            else:
                # y = ops.exp(x)
                y_1 = np.exp(x)
                # return ops.sum(y * y)
                out = np.sum(y_1 * y_1)
                y = y_1
            add_1 = None
            greater_2 = greater_3
        greater_4 = greater_1
        m_1 = m
        y_2 = None
    else:
        # y = ops.cos(x)
        y_3 = np.cos(x)
        # return ops.sum(y * y)
        out = np.sum(y_3 * y_3)
        greater_4 = None
        add_1 = None
        greater_2 = None
        m_1 = None
        y = None
        y_2 = y_3
    # grad of: if s > 0:
    if greater:
        # grad of: if m > 1.0:
        if greater_4:
            # grad of: return ops.sum(ops.log(x * x + 1))
            dt = 1.0 / add_1
            mul = dt * x
            dx = mul + mul
            # grad of: if m > 1.0:
            ds = np.zeros((), dtype=np.float64)
            dm = ds
        else:
            # grad of: if s > 0.5:
            if greater_2:
                dx = np.zeros((3,), dtype=np.float64)
                dm = s
                ds = m_1
            else:
                # grad of: return ops.sum(y * y)
                dy = y + y
                # grad of: y = ops.exp(x)
                dx = dy * y
                # grad of: if s > 0.5:
                dm = np.zeros((), dtype=np.float64)
                ds = dm
        # grad of: m = ops.amax(x)
        cast = np.asarray(x == np.reshape(m_1, shape=(1,)), dtype=np.float64)
        dx_1 = dx + np.reshape(dm, shape=(1,)) * (cast / np.sum(cast, keepdims=True))
    else:
        # grad of: return ops.sum(y * y)
        dy_1 = y_2 + y_2
        # grad of: y = ops.cos(x)
        dx_1 = -dy_1 * np.sin(x)
        # grad of: if s > 0:
        ds = np.zeros((), dtype=np.float64)
    # grad of: s = ops.sum(x)
    dx_2 = dx_1 + ds
    return (out, dx_2)
