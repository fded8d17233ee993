"""Kernels of the neural-network family: convolution and pooling over NCHW arrays, with their
adjoints.

Convolution and pooling share one layout of params, canonical by the time a kernel sees them:
`stride=(sh, sw)`, `padding=((top, bottom), (left, right))`, `dilation=(dh, dw)`. Windows are a
strided view (`sliding_window_view`), contracted with BLAS (`tensordot`/`einsum`); adjoints
scatter each kernel tap back with one strided slice-add per tap, never a Python loop over pixels.
"""
import numpy as np

_NO_PAD = ((0, 0), (0, 0))


def _pad(x, padding, value=0):
    if tuple(map(tuple, padding)) == _NO_PAD:
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(map(tuple, padding)), constant_values=value)


def _windows(x, kernel_size, stride, dilation):
    """(N, C, OH, OW, KH, KW) view of the windows of an (already padded) NCHW array."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    view = np.lib.stride_tricks.sliding_window_view(x, span, axis=(2, 3))
    return view[:, :, ::sh, ::sw, ::dh, ::dw]


def _scatter_taps(cols, padded_shape, stride, dilation, padding):
    """Adjoint of `_windows`: add cols (N, C, OH, OW, KH, KW) back into an array of the padded
    input's shape, then crop the padding."""
    n, c, oh, ow, kh, kw = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros(padded_shape, cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw] += cols[..., i, j]
    (top, bottom), (left, right) = padding
    return out[:, :, top:padded_shape[2] - bottom, left:padded_shape[3] - right]


def _padded_shape(n, c, input_size, padding):
    (top, bottom), (left, right) = padding
    return (n, c, input_size[0] + top + bottom, input_size[1] + left + right)


# ---------------------------------------------------------------- convolution
def conv2d(x, w, stride=(1, 1), padding=_NO_PAD, dilation=(1, 1), groups=1):
    """Cross-correlation of x (N, C, H, W) with w (O, C // groups, KH, KW) -> (N, O, OH, OW)."""
    win = _windows(_pad(x, padding), w.shape[2:], stride, dilation)
    if groups == 1:
        out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))            # N OH OW O
    else:
        n, c, oh, ow, kh, kw = win.shape
        win = win.reshape(n, groups, c // groups, oh, ow, kh, kw)
        wg = w.reshape(groups, -1, c // groups, kh, kw)
        out = np.einsum('ngchwij,gocij->nhwgo', win, wg, optimize=True).reshape(n, oh, ow, -1)
    return out.transpose(0, 3, 1, 2)


def conv2d_input_grad(g, w, input_size, stride=(1, 1), padding=_NO_PAD, dilation=(1, 1), groups=1):
    """Adjoint of conv2d with respect to its input: g (N, O, OH, OW) -> (N, C, H, W), H, W =
    input_size (a transposed convolution)."""
    n, o, oh, ow = g.shape
    cg, kh, kw = w.shape[1:]
    if groups == 1:
        cols = np.tensordot(g, w, axes=([1], [0])).transpose(0, 3, 1, 2, 4, 5)
    else:
        gg = g.reshape(n, groups, o // groups, oh, ow)
        wg = w.reshape(groups, o // groups, cg, kh, kw)
        cols = np.einsum('ngohw,gocij->ngchwij', gg, wg, optimize=True).reshape(n, groups * cg, oh, ow, kh, kw)
    return _scatter_taps(cols, _padded_shape(n, groups * cg, input_size, padding), stride, dilation, padding)


def conv2d_weight_grad(x, g, kernel_size, stride=(1, 1), padding=_NO_PAD, dilation=(1, 1), groups=1):
    """Adjoint of conv2d with respect to its weight: (x, g) -> (O, C // groups, KH, KW)."""
    win = _windows(_pad(x, padding), kernel_size, stride, dilation)
    if groups == 1:
        return np.tensordot(g, win, axes=([0, 2, 3], [0, 2, 3]))
    n, c, oh, ow, kh, kw = win.shape
    win = win.reshape(n, groups, c // groups, oh, ow, kh, kw)
    gg = g.reshape(n, groups, -1, oh, ow)
    return np.einsum('ngohw,ngchwij->gocij', gg, win, optimize=True).reshape(-1, c // groups, kh, kw)


# ---------------------------------------------------------------- max pooling
def _lowest(dtype):
    return -np.inf if dtype.kind == 'f' else np.iinfo(dtype).min


def _window_argmax(x, kernel_size, stride, padding, dilation):
    """Position (row-major within the window) of each window's maximum; ties go to the first."""
    win = _windows(_pad(x, padding, _lowest(x.dtype)), kernel_size, stride, dilation)
    n, c, oh, ow, kh, kw = win.shape
    return win.reshape(n, c, oh, ow, kh * kw).argmax(axis=-1)


def max_pool2d(x, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    """Maximum over each window; padding counts as -inf."""
    win = _windows(_pad(x, padding, _lowest(x.dtype)), kernel_size, stride, dilation)
    return win.max(axis=(4, 5))


def max_pool2d_grad(x, g, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    """Adjoint of max_pool2d: each window's cotangent goes to the (first) maximum of x in it."""
    arg = _window_argmax(x, kernel_size, stride, padding, dilation)
    kh, kw = kernel_size
    taps = np.arange(kh * kw).reshape(kh, kw)
    cols = g[..., None, None] * (arg[..., None, None] == taps)
    return _scatter_taps(cols, _padded_shape(*x.shape[:2], x.shape[2:], padding), stride, dilation, padding)


def max_pool2d_select(x, h, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    """h (shaped like x) read at the position of each window's maximum of x: the adjoint of
    max_pool2d_grad with respect to its cotangent."""
    arg = _window_argmax(x, kernel_size, stride, padding, dilation)
    win = _windows(_pad(h, padding), kernel_size, stride, dilation)
    n, c, oh, ow, kh, kw = win.shape
    return np.take_along_axis(win.reshape(n, c, oh, ow, kh * kw), arg[..., None], axis=-1)[..., 0]


def max_pool2d_indices(x, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    """Flat index (into each H*W input plane) of the maximum of every window, as int64."""
    arg = _window_argmax(x, kernel_size, stride, padding, dilation)
    oh, ow = arg.shape[2:]
    i, j = np.divmod(arg, kernel_size[1])
    (top, _), (left, _) = padding
    rows = np.arange(oh)[:, None] * stride[0] + i * dilation[0] - top
    cols = np.arange(ow)[None, :] * stride[1] + j * dilation[1] - left
    return (rows * x.shape[3] + cols).astype(np.int64)


# ---------------------------------------------------------------- average pooling
def _avg_divisor(input_size, kernel_size, stride, padding, count_include_pad, divisor_override, dtype):
    """What each window's sum is divided by: a number, or an (OH, OW) array when padding is left
    out of the count."""
    if divisor_override:
        return divisor_override
    if count_include_pad or tuple(map(tuple, padding)) == _NO_PAD:
        return kernel_size[0] * kernel_size[1]
    ones = _pad(np.ones((1, 1) + tuple(input_size), dtype), padding)
    return _windows(ones, kernel_size, stride, (1, 1)).sum(axis=(4, 5))[0, 0]


def avg_pool2d(x, kernel_size, stride, padding=_NO_PAD, count_include_pad=True, divisor_override=None):
    win = _windows(_pad(x, padding), kernel_size, stride, (1, 1))
    total = win.sum(axis=(4, 5))
    dtype = total.dtype if total.dtype.kind == 'f' else np.float64
    return total / _avg_divisor(x.shape[2:], kernel_size, stride, padding, count_include_pad,
                                divisor_override, dtype)


def avg_pool2d_grad(g, input_size, kernel_size, stride, padding=_NO_PAD, count_include_pad=True,
                    divisor_override=None):
    """Adjoint of avg_pool2d: each window's cotangent, divided as the forward divides, spread
    evenly over the window."""
    g = g / _avg_divisor(input_size, kernel_size, stride, padding, count_include_pad,
                         divisor_override, g.dtype)
    cols = np.broadcast_to(g[..., None, None], g.shape + tuple(kernel_size))
    return _scatter_taps(cols, _padded_shape(*g.shape[:2], input_size, padding), stride, (1, 1), padding)
