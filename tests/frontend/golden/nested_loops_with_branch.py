import numpy as np


def nested_loops_with_branch_value_and_grad(x, w):
    # for i in range(2):
    h = x
    greater_saved_saved = []
    matmul_saved_saved = []
    h_saved_saved = []
    for i in range(2):
        # for j in range(3):
        greater_saved = []
        matmul_saved = []
        h_saved = []
        for j in range(3):
            h_saved.append(h)
            # if ops.sum(h) > 0:
            greater = np.sum(h) > 0
            if greater:
                # h = ops.sin(h @ w)
                matmul = h @ w
                h = np.sin(matmul)
                matmul_1 = matmul
            else:
                # h = ops.cos(h) * 0.5
                h = np.cos(h) * 0.5
                matmul_1 = None
            greater_saved.append(greater)
            matmul_saved.append(matmul_1)
        greater_saved_saved.append(greater_saved)
        matmul_saved_saved.append(matmul_saved)
        h_saved_saved.append(h_saved)
    # return ops.sum(h)
    out = np.sum(h)
    # grad of: return ops.sum(h)
    dh = np.ones((3,), dtype=np.float64)
    # grad of: for i in range(2):
    dw = np.zeros((3, 3), dtype=np.float64)
    for greater_saved_1, matmul_saved_1, h_saved_1 in zip(reversed(greater_saved_saved), reversed(matmul_saved_saved), reversed(h_saved_saved)):
        # grad of: for j in range(3):
        for greater_1, matmul_2, h_1 in zip(reversed(greater_saved_1), reversed(matmul_saved_1), reversed(h_saved_1)):
            # grad of: if ops.sum(h) > 0:
            if greater_1:
                # grad of: h = ops.sin(h @ w)
                dt = dh * np.cos(matmul_2)
                dh = w @ dt
                mul = np.reshape(h_1, shape=(3, 1)) * dt
                # grad of: if ops.sum(h) > 0:
                dw = dw + mul
            else:
                # grad of: h = ops.cos(h) * 0.5
                dt_1 = dh * 0.5
                dh = -dt_1 * np.sin(h_1)
    return (out, (dh, dw))
