import numpy as np
from runtime.kernels import index_add_to


def discounted_return_value_and_grad(rewards, values, gamma):
    # g = ops.zeros_like(rewards[0])
    g = np.zeros((3,), dtype=np.float64)
    # for t in range(rewards.shape[0] - 1, -1, -1):
    loss = np.zeros((3,), dtype=np.float64)
    sub_saved = []
    t_saved = []
    for t in range(4, -1, -1):
        t_saved.append(t)
        # g = rewards[t] + gamma * g
        g_1 = rewards[t] + gamma * g
        # loss = loss + (g - values[t]) ** 2
        sub = g_1 - values[t]
        loss = loss + sub ** 2
        sub_saved.append(sub)
        g = g_1
    # return ops.sum(loss)
    out = np.sum(loss)
    # grad of: return ops.sum(loss)
    dloss = np.ones((3,), dtype=np.float64)
    # grad of: for t in range(rewards.shape[0] - 1, -1, -1):
    dg = np.zeros((3,), dtype=np.float64)
    drewards = np.zeros((5, 3), dtype=np.float64)
    dvalues = np.zeros((5, 3), dtype=np.float64)
    for sub_1, t_1 in zip(reversed(sub_saved), reversed(t_saved)):
        # grad of: loss = loss + (g - values[t]) ** 2
        dt = dloss * 2 * sub_1
        dt_1 = -dt
        dg_1 = dg + dt
        dvalues = index_add_to(dvalues, dt_1, index=np.s_[t_1])
        # grad of: g = rewards[t] + gamma * g
        dg = dg_1 * gamma
        drewards = index_add_to(drewards, dg_1, index=np.s_[t_1])
    return (out, (drewards, dvalues))
