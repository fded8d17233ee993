import numpy as np
from runtime.kernels import concat, index_add, index_add_to, sigmoid, slice_axis


def lstm_tuple_state_value_and_grad(xs, h0, w, b):
    # state = (h0, ops.zeros_like(h0))
    state_1 = np.zeros((3,), dtype=np.float64)
    # for x in xs:
    state_0 = h0
    tanh_saved = []
    o_saved = []
    g_saved = []
    i_saved = []
    state_1_saved = []
    f_saved = []
    i_saved_1 = []
    for i in range(5):
        state_1_saved.append(state_1)
        i_saved_1.append(i)
        x = xs[i]
        # z = ops.concat((x, h)) @ self.w + self.b
        z = concat(x, state_0) @ w + b
        # i, f, g, o = ops.sigmoid(z[:n]), ops.sigmoid(z[n:2 * n]), ops.tanh(z[2 * n:3 * n]), ops.sigmoid(z[3 * n:])
        i_1 = sigmoid(z[:3])
        f = sigmoid(z[3:6])
        g = np.tanh(z[6:9])
        o = sigmoid(z[9:])
        # c = f * c + i * g
        c = f * state_1 + i_1 * g
        # return o * ops.tanh(c), c
        tanh = np.tanh(c)
        state_0 = o * tanh
        tanh_saved.append(tanh)
        o_saved.append(o)
        g_saved.append(g)
        i_saved.append(i_1)
        f_saved.append(f)
        state_1 = c
    # return ops.sum(h * h) + ops.mean(c)
    out = np.sum(state_0 * state_0) + np.mean(state_1)
    # grad of: return ops.sum(h * h) + ops.mean(c)
    dstate_1 = np.full(shape=(3,), fill_value=0.3333333333333333, dtype=np.float64)
    dstate_0 = state_0 + state_0
    # grad of: for x in xs:
    dxs = np.zeros((5, 3), dtype=np.float64)
    for tanh_1, o_1, g_1, i_2, state_1_1, f_1, i_3 in zip(reversed(tanh_saved), reversed(o_saved), reversed(g_saved), reversed(i_saved), reversed(state_1_saved), reversed(f_saved), reversed(i_saved_1)):
        # grad of: return o * ops.tanh(c), c
        do = dstate_0 * tanh_1
        dt = dstate_0 * o_1
        dc = dstate_1 + dt * (1 - tanh_1 * tanh_1)
        # grad of: c = f * c + i * g
        di = dc * g_1
        dg = dc * i_2
        df = dc * state_1_1
        dstate_1 = dc * f_1
        # grad of: i, f, g, o = ops.sigmoid(z[:n]), ops.sigmoid(z[n:2 * n]), ops.tanh(z[2 * n:3 * n]), ops.sigmoid(z[3 * n:])
        dt_1 = do * o_1 * (1 - o_1)
        dt_2 = dg * (1 - g_1 * g_1)
        dt_3 = df * f_1 * (1 - f_1)
        dt_4 = di * i_2 * (1 - i_2)
        dz = index_add_to(index_add_to(index_add_to(index_add(dt_1, index=np.s_[9:], shape=(12,)), dt_2, index=np.s_[6:9]), dt_3, index=np.s_[3:6]), dt_4, index=np.s_[:3])
        # grad of: z = ops.concat((x, h)) @ self.w + self.b
        dt_5 = w @ dz
        dx = slice_axis(dt_5, axis=0, start=0, stop=3)
        dstate_0 = slice_axis(dt_5, axis=0, start=3, stop=6)
        # grad of: for x in xs:
        dxs = index_add_to(dxs, dx, index=np.s_[i_3])
    return (out, (dxs, dstate_0))
