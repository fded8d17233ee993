"""GPU check: autograph's MLP, CNN and RNN gradients on CuPy arrays, compared with the same
gradients on NumPy (float32, rtol 1e-4) and timed against hand-written CuPy code.

The gradient function is the one a NumPy user writes (`autograph.grad` of a function of
`autograph.ops`); called with CuPy arrays it compiles the array API code and runs it on the GPU,
returning CuPy arrays. The hand-written versions compute the same forward and backward passes
written out against the array API (CuPy's namespace through array_api_compat), as one would by
hand in CuPy.

Cases (float32):
  mlp   784-256-10, relu, softmax cross-entropy with int32 labels, batch 256: value and gradient
        w.r.t. W1, b1, W2, b2
  cnn   8 filters 3x3 (padding 1) + bias on 1x28x28, relu, 2x2 max pooling, dense to 10, softmax
        cross-entropy, batch 32: gradient w.r.t. the filters, their bias and the dense weights
  rnn   50 steps of h = tanh(h @ W + x_t @ U), hidden 64, batch 16, input 32, loss sum(h):
        gradient w.r.t. W and U

Run:  python benchmarks/gpu_check.py [--repeat 20] [--cases mlp,cnn,rnn]
Without CuPy, or without a GPU it can see, it prints why it skipped and exits with status 0.
A gradient that differs from NumPy's by more than rtol 1e-4 makes it exit with status 1.
"""
import argparse
import sys
import time
from typing import Any, Callable, NamedTuple

import numpy as np

import autograph
from autograph import ops

RTOL = 1e-4


class Device(NamedTuple):
    """Where the arrays live: `xp`, the array API namespace hand-written code calls; `asarray`
    (NumPy -> device), `to_numpy` (device -> NumPy) and `synchronize` (wait for the device)."""
    name: str
    xp: Any
    array_type: type
    asarray: Callable[[np.ndarray], Any]
    to_numpy: Callable[[Any], np.ndarray]
    synchronize: Callable[[], None]


def gpu():
    """(the CuPy Device, None), or (None, why there is none)."""
    try:
        import cupy
    except ImportError as e:
        return None, f'CuPy is not installed ({e}); pip install cupy-cuda12x (or the build for your CUDA)'
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:      # CUDA's own errors: no driver, no device
        return None, f'CuPy sees no GPU ({type(e).__name__}: {e})'
    if count == 0:
        return None, 'CuPy sees no GPU'
    try:
        import array_api_compat
    except ImportError as e:
        return None, f'array-api-compat is not installed ({e}); pip install array-api-compat'
    return Device('cupy', array_api_compat.array_namespace(cupy.zeros(1)), cupy.ndarray, cupy.asarray,
                  cupy.asnumpy, cupy.cuda.runtime.deviceSynchronize), None


# ---------------------------------------------------------------- the functions autograph differentiates
def mlp_loss(W1, b1, W2, b2, x, labels):
    h = ops.relu(x @ W1 + b1)
    return ops.cross_entropy(h @ W2 + b2, labels)


def cnn_loss(w, b, v, x, labels):
    h = ops.relu(ops.conv2d(x, w, b, pad_mode='pad', padding=1))
    h = ops.reshape(ops.max_pool2d(h, 2), (x.shape[0], -1))
    return ops.cross_entropy(h @ v, labels)


def rnn_loss(W, U, xs, h):
    for t in range(xs.shape[0]):
        h = ops.tanh(h @ W + xs[t] @ U)
    return ops.sum(h)


# ---------------------------------------------------------------- by hand, against the array API
def _cross_entropy(xp, logits, labels):
    """(mean softmax cross-entropy, its gradient w.r.t. the logits)."""
    top = xp.max(logits, axis=1, keepdims=True)
    e = xp.exp(logits - top)
    total = xp.sum(e, axis=1, keepdims=True)
    hot = xp.astype(xp.reshape(labels, (-1, 1)) == xp.reshape(xp.arange(logits.shape[1]), (1, -1)), logits.dtype)
    loss = xp.mean(xp.log(total[:, 0]) + top[:, 0] - xp.sum(logits * hot, axis=1))
    return loss, (e / total - hot) / logits.shape[0]


def mlp_by_hand(xp, W1, b1, W2, b2, x, labels):
    h = x @ W1 + b1
    a = xp.maximum(h, 0)
    loss, dlogits = _cross_entropy(xp, a @ W2 + b2, labels)
    dh = (dlogits @ W2.T) * xp.astype(h > 0, h.dtype)
    return loss, (x.T @ dh, xp.sum(dh, axis=0), a.T @ dlogits, xp.sum(dlogits, axis=0))


def cnn_by_hand(xp, w, b, v, x, labels):
    n, c, height, width = x.shape
    o, _, kh, kw = w.shape
    zeros_h = xp.zeros((n, c, 1, width), dtype=x.dtype)
    padded = xp.concat([zeros_h, x, zeros_h], axis=2)
    zeros_w = xp.zeros((n, c, height + 2, 1), dtype=x.dtype)
    padded = xp.concat([zeros_w, padded, zeros_w], axis=3)
    taps = [(p, q, padded[:, :, p:p + height, q:q + width]) for p in range(kh) for q in range(kw)]
    conv = sum(xp.tensordot(tap, w[:, :, p, q], axes=([1], [1])) for p, q, tap in taps)   # N H W O
    pre = xp.permute_dims(conv, (0, 3, 1, 2)) + xp.reshape(b, (1, o, 1, 1))
    h = xp.maximum(pre, 0)
    windows = xp.reshape(h, (n, o, height // 2, 2, width // 2, 2))
    windows = xp.reshape(xp.permute_dims(windows, (0, 1, 2, 4, 3, 5)), (n, o, height // 2, width // 2, 4))
    first = xp.argmax(windows, axis=-1)
    pooled = xp.max(windows, axis=-1)
    loss, dlogits = _cross_entropy(xp, xp.reshape(pooled, (n, -1)) @ v, labels)
    dv = xp.reshape(pooled, (n, -1)).T @ dlogits
    dpooled = xp.reshape(dlogits @ v.T, pooled.shape)
    hit = xp.astype(xp.expand_dims(first, axis=-1) == xp.arange(4), x.dtype)
    dwindows = xp.reshape(xp.expand_dims(dpooled, axis=-1) * hit, (n, o, height // 2, width // 2, 2, 2))
    dh = xp.reshape(xp.permute_dims(dwindows, (0, 1, 2, 4, 3, 5)), h.shape)
    dpre = dh * xp.astype(pre > 0, x.dtype)
    dw = xp.stack([xp.stack([xp.tensordot(dpre, padded[:, :, p:p + height, q:q + width], axes=([0, 2, 3], [0, 2, 3]))
                             for q in range(kw)], axis=-1) for p in range(kh)], axis=-2)
    return dw, xp.sum(dpre, axis=(0, 2, 3)), dv


def rnn_by_hand(xp, W, U, xs, h0):
    hs = [h0]
    for t in range(xs.shape[0]):
        hs.append(xp.tanh(hs[-1] @ W + xs[t, ...] @ U))
    dh = xp.ones_like(h0)
    dW, dU = xp.zeros_like(W), xp.zeros_like(U)
    for t in reversed(range(xs.shape[0])):
        da = dh * (1 - hs[t + 1] * hs[t + 1])
        dW = dW + hs[t].T @ da
        dU = dU + xs[t, ...].T @ da
        dh = da @ W.T
    return dW, dU


# ---------------------------------------------------------------- data
def mlp_data(batch=256):
    rs = np.random.RandomState(1)
    return ((rs.randn(784, 256) * np.sqrt(2.0 / 784)).astype(np.float32), np.zeros(256, np.float32),
            (rs.randn(256, 10) * np.sqrt(1.0 / 256)).astype(np.float32), np.zeros(10, np.float32),
            rs.rand(batch, 784).astype(np.float32), rs.randint(0, 10, size=batch).astype(np.int32))


def cnn_data(batch=32):
    rs = np.random.RandomState(3)
    return ((rs.randn(8, 1, 3, 3) * 0.3).astype(np.float32), (rs.randn(8) * 0.1).astype(np.float32),
            (rs.randn(8 * 14 * 14, 10) * 0.05).astype(np.float32), rs.rand(batch, 1, 28, 28).astype(np.float32),
            rs.randint(0, 10, size=batch).astype(np.int32))


def rnn_data():
    rs = np.random.RandomState(2)
    return ((rs.randn(64, 64) * 0.1).astype(np.float32), (rs.randn(32, 64) * 0.1).astype(np.float32),
            rs.randn(50, 16, 32).astype(np.float32), np.zeros((16, 64), np.float32))


class Case(NamedTuple):
    loss: Callable[..., Any]
    positions: tuple[int, ...]
    with_value: bool
    by_hand: Callable[..., Any]
    data: Callable[[], tuple]


CASES = {
    'mlp': Case(mlp_loss, (0, 1, 2, 3), True, mlp_by_hand, mlp_data),
    'cnn': Case(cnn_loss, (0, 1, 2), False, cnn_by_hand, cnn_data),
    'rnn': Case(rnn_loss, (0, 1), False, rnn_by_hand, rnn_data),
}


# ---------------------------------------------------------------- checking and timing
def flat(result):
    """The arrays of a result, in order (nested tuples flattened)."""
    if isinstance(result, (tuple, list)):
        return [a for item in result for a in flat(item)]
    return [result]


def worst(got, want):
    """The largest difference between two lists of NumPy arrays, relative to each array's
    largest magnitude (float32 sums in another order differ by that much near zero)."""
    if len(got) != len(want):
        raise AssertionError(f'{len(got)} outputs, expected {len(want)}')
    out = 0.0
    for g, w in zip(got, want):
        if g.shape != w.shape or g.dtype != w.dtype:
            raise AssertionError(f'an output is {g.dtype}{list(g.shape)}, expected {w.dtype}{list(w.shape)}')
        scale = max(float(np.max(np.abs(w), initial=0.0)), np.finfo(np.float32).tiny)
        out = max(out, float(np.max(np.abs(g - w), initial=0.0)) / scale)
    return out


def best_time(step, synchronize, repeat):
    """The best of `repeat` runs of `step` (after one to warm up), in milliseconds."""
    step()
    synchronize()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        synchronize()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def check_case(name, device, repeat=20):
    """Run one case on `device`: its gradients against NumPy's and the hand-written ones', and
    both timed. Returns a dict; raises AssertionError past RTOL."""
    case = CASES[name]
    transform = autograph.value_and_grad if case.with_value else autograph.grad
    grad = transform(case.loss, case.positions)
    host = case.data()
    want = [np.asarray(a) for a in flat(grad(*host))]
    on_device = [device.asarray(a) for a in host]
    result = grad(*on_device)
    arrays = flat(result)
    kinds = sorted({type(a).__name__ for a in arrays if not isinstance(a, device.array_type)})
    if kinds:
        raise AssertionError(f'{name}: autograph returned {kinds}, not {device.name} arrays')
    got = [device.to_numpy(a) for a in arrays]
    hand = [device.to_numpy(a) for a in flat(case.by_hand(device.xp, *on_device))]
    errors = {'numpy': worst(got, want), 'by hand': worst(hand, want[-len(hand):])}
    for against, error in errors.items():
        if not error <= RTOL:
            raise AssertionError(f'{name} on {device.name} differs from {against} by {error:.2g} (rtol {RTOL})')
    autograph_ms = best_time(lambda: grad(*on_device), device.synchronize, repeat)
    hand_ms = best_time(lambda: case.by_hand(device.xp, *on_device), device.synchronize, repeat)
    return {'case': name, 'vs_numpy': errors['numpy'], 'vs_hand': errors['by hand'],
            'autograph_ms': autograph_ms, 'hand_ms': hand_ms, 'ratio': autograph_ms / hand_ms}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--repeat', type=int, default=20, help='timed runs per version (best is kept)')
    parser.add_argument('--cases', default=','.join(CASES), help='a comma-separated subset of ' + ', '.join(CASES))
    options = parser.parse_args(argv)
    device, reason = gpu()
    if device is None:
        print(f'gpu_check: skipped: {reason}')
        return 0
    rows = []
    try:
        for name in options.cases.split(','):
            rows.append(check_case(name.strip(), device, options.repeat))
    except AssertionError as e:
        print(f'gpu_check: FAILED: {e}')
        return 1
    print(f'gradients on {device.name} (float32), equal to NumPy\'s within rtol {RTOL}; best of {options.repeat}')
    print('| case | diff vs NumPy | diff vs by hand | autograph ms | by hand ms | ratio |')
    print('| --- | --- | --- | --- | --- | --- |')
    for r in rows:
        print(f"| {r['case']} | {r['vs_numpy']:.1e} | {r['vs_hand']:.1e} | {r['autograph_ms']:.3f} | "
              f"{r['hand_ms']:.3f} | {r['ratio']:.2f} |")
    return 0


if __name__ == '__main__':
    sys.exit(main())
