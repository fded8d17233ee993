"""Neural-network primitives over NCHW arrays: 2-D convolution and pooling, each with the
primitives of its adjoint. Those adjoints are linear in the cotangent and each has its own
adjoint in turn (conv2d <-> conv2d_input_grad/conv2d_weight_grad, max_pool2d_grad <->
max_pool2d_select, avg_pool2d <-> avg_pool2d_grad), so second derivatives work.

Params are canonical (the ops normalise them): kernel_size, stride and dilation are pairs,
padding is ((top, bottom), (left, right))."""
import numpy as np

from .. import kernels, ops
from ..kernels import array_api as standard
from .batching import batch_size, batched_front, merged_batch, to_front
from .core import Aval, defprim


def _nchw(x, prim, what='input'):
    if not isinstance(x, Aval) or len(x.shape) != 4:
        shape = x.shape if isinstance(x, Aval) else ()
        raise ValueError(f"the {what} of {prim} must be 4-D (N, C, H, W), got shape {shape}")
    return x


def _out_size(prim, size, k, s, pad, d):
    """Output length of one spatial axis; an error when the window does not fit."""
    span = (k - 1) * d + 1
    padded = size + pad[0] + pad[1]
    if padded < span:
        raise ValueError(f"the window ({k} taps, dilation {d}, span {span}) is larger than the "
                         f"padded input ({size} + {pad[0]} + {pad[1]} = {padded})")
    return (padded - span) // s + 1


def _out_hw(prim, hw, kernel_size, stride, padding, dilation):
    return tuple(_out_size(prim, hw[i], kernel_size[i], stride[i], padding[i], dilation[i]) for i in (0, 1))


# ---------------------------------------------------------------- convolution
def _conv2d_rule(x, w, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1):
    _nchw(x, 'conv2d'), _nchw(w, 'conv2d', 'weight')
    if x.shape[1] != w.shape[1] * groups or w.shape[0] % groups:
        raise ValueError(f"weight {w.shape} (out, in / groups, kh, kw) does not fit input {x.shape} "
                         f"with groups={groups}")
    oh, ow = _out_hw('conv2d', x.shape[2:], w.shape[2:], stride, padding, dilation)
    return Aval((x.shape[0], w.shape[0], oh, ow), np.result_type(x.dtype, w.dtype))


def _conv2d_vjp(g, x, w, out, **conv):
    return (conv2d_input_grad.bind(g, w, input_size=tuple(x.shape[2:]), **conv),
            conv2d_weight_grad.bind(x, g, kernel_size=tuple(w.shape[2:]), **conv))


def _conv2d_input_grad_rule(g, w, input_size, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                            groups=1):
    _nchw(g, 'conv2d_input_grad', 'cotangent'), _nchw(w, 'conv2d_input_grad', 'weight')
    expected = _out_hw('conv2d_input_grad', input_size, w.shape[2:], stride, padding, dilation)
    if g.shape[1] != w.shape[0] or tuple(g.shape[2:]) != expected:
        raise ValueError(f"cotangent {g.shape} does not fit weight {w.shape} and input "
                         f"size {input_size}")
    return Aval((g.shape[0], w.shape[1] * groups) + tuple(input_size), np.result_type(g.dtype, w.dtype))


def _conv2d_input_grad_vjp(ct, g, w, out, input_size, **conv):
    return (conv2d.bind(ct, w, **conv),
            conv2d_weight_grad.bind(ct, g, kernel_size=tuple(w.shape[2:]), **conv))


def _conv2d_weight_grad_rule(x, g, kernel_size, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                             groups=1):
    _nchw(x, 'conv2d_weight_grad'), _nchw(g, 'conv2d_weight_grad', 'cotangent')
    expected = _out_hw('conv2d_weight_grad', x.shape[2:], kernel_size, stride, padding, dilation)
    if tuple(g.shape[2:]) != expected or g.shape[0] != x.shape[0] or g.shape[1] % groups:
        raise ValueError(f"cotangent {g.shape} does not fit input {x.shape}")
    return Aval((g.shape[1], x.shape[1] // groups) + tuple(kernel_size), np.result_type(x.dtype, g.dtype))


def _conv2d_weight_grad_vjp(ct, x, g, out, kernel_size, **conv):
    return (conv2d_input_grad.bind(g, ct, input_size=tuple(x.shape[2:]), **conv),
            conv2d.bind(x, ct, **conv))


def _grid(shape, seed):
    """Distinct, unordered sample values (no ties for max pooling)."""
    return np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) / 10 - 1


_CONV_CASES = [  # (x shape, w shape, params)
    ((2, 3, 5, 5), (4, 3, 3, 3), {}),
    ((1, 2, 6, 5), (3, 2, 3, 2), {'stride': (2, 2), 'padding': ((1, 1), (1, 1))}),
    ((1, 2, 6, 6), (2, 2, 2, 3), {'stride': (1, 2), 'padding': ((1, 0), (2, 1)), 'dilation': (2, 1)}),
    ((1, 4, 4, 4), (6, 2, 2, 2), {'groups': 2}),
]


def _conv_out(x, w, params):
    return kernels.conv2d(x, w, **params).shape


# Batching. Examples of the image operand alone merge into N. Examples of the weights become
# groups: each example's channels form groups of their own, convolved with that example's weights.
def _examples_as_channels(x, d, size):
    """(N, C, ...) examples -> one (N, examples * C, ...) array."""
    x = batched_front(x, d, size)
    x = ops.transpose(x, (1, 0) + tuple(range(2, len(x.shape))))
    return ops.reshape(x, (x.shape[0], x.shape[1] * x.shape[2]) + tuple(x.shape[3:]))


def _examples_as_rows(w, d, size):
    """(O, ...) examples -> one (examples * O, ...) array."""
    w = batched_front(w, d, size)
    return ops.reshape(w, (w.shape[0] * w.shape[1],) + tuple(w.shape[2:]))


def _split_channels(out, size):
    """(N, examples * C, ...) -> (N, examples, C, ...): the batch in axis 1."""
    return ops.reshape(out, (out.shape[0], size, out.shape[1] // size) + tuple(out.shape[2:])), 1


def _merge_first(prim, x, d, *rest, **params):
    """The first operand's examples merged into its N; the other operands shared."""
    x = to_front(x, d)
    size = x.shape[0]
    out = prim.bind(ops.reshape(x, (size * x.shape[1],) + tuple(x.shape[2:])), *rest, **params)
    return ops.reshape(out, (size, out.shape[0] // size) + tuple(out.shape[1:])), 0


def _conv2d_batch(prim, args, dims, groups=1, **conv):
    (x, w), (dx, dw) = args, dims
    if dw is None:
        return _merge_first(prim, x, dx, w, groups=groups, **conv)
    size = batch_size(args, dims)
    out = prim.bind(_examples_as_channels(x, dx, size), _examples_as_rows(w, dw, size), groups=groups * size, **conv)
    return _split_channels(out, size)


def _conv2d_input_grad_batch(prim, args, dims, groups=1, **conv):
    (g, w), (dg, dw) = args, dims
    if dw is None:
        return _merge_first(prim, g, dg, w, groups=groups, **conv)
    size = batch_size(args, dims)
    out = prim.bind(_examples_as_channels(g, dg, size), _examples_as_rows(w, dw, size), groups=groups * size, **conv)
    return _split_channels(out, size)


def _conv2d_weight_grad_batch(prim, args, dims, groups=1, **conv):
    (x, g), (dx, dg) = args, dims
    size = batch_size(args, dims)
    out = prim.bind(_examples_as_channels(x, dx, size), _examples_as_channels(g, dg, size),
                    groups=groups * size, **conv)
    return ops.reshape(out, (size, out.shape[0] // size) + tuple(out.shape[1:])), 0


# Bilinear: the tangent is f(t_x, w) + f(x, t_w).
conv2d = defprim('conv2d', kernels.conv2d, _conv2d_rule, vjp=_conv2d_vjp, jvp='bilinear', batch=_conv2d_batch,
                 samples=[((_grid(xs, 0), _grid(ws, 1) / 3), p) for xs, ws, p in _CONV_CASES],
                 array_api=standard.conv2d)
conv2d_input_grad = defprim(
    'conv2d_input_grad', kernels.conv2d_input_grad, _conv2d_input_grad_rule, vjp=_conv2d_input_grad_vjp,
    jvp='bilinear', batch=_conv2d_input_grad_batch,
    samples=[((_grid(_conv_out(np.zeros(xs), np.zeros(ws), p), 2), _grid(ws, 3) / 3), dict(p, input_size=xs[2:]))
             for xs, ws, p in _CONV_CASES], array_api=standard.conv2d_input_grad)
conv2d_weight_grad = defprim(
    'conv2d_weight_grad', kernels.conv2d_weight_grad, _conv2d_weight_grad_rule, vjp=_conv2d_weight_grad_vjp,
    jvp='bilinear', batch=_conv2d_weight_grad_batch,
    samples=[((_grid(xs, 4), _grid(_conv_out(np.zeros(xs), np.zeros(ws), p), 5)), dict(p, kernel_size=ws[2:]))
             for xs, ws, p in _CONV_CASES], array_api=standard.conv2d_weight_grad)


# ---------------------------------------------------------------- max pooling
def _pool_rule(prim, x, kernel_size, stride, padding, dilation=(1, 1)):
    _nchw(x, prim)
    for k, pad in zip(kernel_size, padding):
        if max(pad) > k // 2:
            raise ValueError(f"padding {padding} must be at most half the kernel size {kernel_size}")
    return x.shape[:2] + _out_hw(prim, x.shape[2:], kernel_size, stride, padding, dilation)


def _max_pool2d_rule(x, kernel_size, stride, padding=((0, 0), (0, 0)), dilation=(1, 1)):
    return Aval(_pool_rule('max_pool2d', x, kernel_size, stride, padding, dilation), x.dtype)


def _max_pool2d_indices_rule(x, kernel_size, stride, padding=((0, 0), (0, 0)), dilation=(1, 1)):
    return Aval(_pool_rule('max_pool2d', x, kernel_size, stride, padding, dilation), np.dtype(np.int64))


def _max_pool2d_grad_rule(x, g, kernel_size, stride, padding=((0, 0), (0, 0)), dilation=(1, 1)):
    if tuple(g.shape) != _pool_rule('max_pool2d_grad', x, kernel_size, stride, padding, dilation):
        raise ValueError(f"cotangent {g.shape} does not fit input {x.shape}")
    return Aval(x.shape, g.dtype)


def _max_pool2d_select_rule(x, h, kernel_size, stride, padding=((0, 0), (0, 0)), dilation=(1, 1)):
    if tuple(h.shape) != tuple(x.shape):
        raise ValueError(f"{h.shape} is not the input's shape {x.shape}")
    return Aval(_pool_rule('max_pool2d_select', x, kernel_size, stride, padding, dilation), h.dtype)


_POOL_CASES = [  # (x shape, params)
    ((2, 2, 4, 4), {'kernel_size': (2, 2), 'stride': (2, 2)}),
    ((1, 2, 5, 6), {'kernel_size': (3, 3), 'stride': (2, 1), 'padding': ((1, 1), (1, 1))}),
    ((1, 1, 6, 5), {'kernel_size': (2, 3), 'stride': (1, 2), 'padding': ((1, 0), (0, 1)), 'dilation': (2, 1)}),
]


def _pool_out(xs, params):
    return kernels.max_pool2d(np.zeros(xs), **params).shape


# The maximum of each window moves with the tangent at its position (the first, on ties).
max_pool2d = defprim('max_pool2d', kernels.max_pool2d, _max_pool2d_rule,
                     vjp=lambda g, x, out, **pool: (max_pool2d_grad.bind(x, g, **pool),),
                     jvp=lambda primals, tangents, out, **pool: max_pool2d_select.bind(primals[0], tangents[0], **pool),
                     batch=merged_batch, samples=[((_grid(xs, 6),), p) for xs, p in _POOL_CASES],
                     array_api=standard.max_pool2d)
max_pool2d_grad = defprim('max_pool2d_grad', kernels.max_pool2d_grad, _max_pool2d_grad_rule,
                          vjp=lambda ct, x, g, out, **pool: (None, max_pool2d_select.bind(x, ct, **pool)),
                          jvp=lambda primals, tangents, out, **pool:
                          None if tangents[1] is None else max_pool2d_grad.bind(primals[0], tangents[1], **pool),
                          batch=merged_batch,
                          samples=[((_grid(xs, 7), _grid(_pool_out(xs, p), 8)), p) for xs, p in _POOL_CASES],
                          array_api=standard.max_pool2d_grad)
max_pool2d_select = defprim('max_pool2d_select', kernels.max_pool2d_select, _max_pool2d_select_rule,
                            vjp=lambda ct, x, h, out, **pool: (None, max_pool2d_grad.bind(x, ct, **pool)),
                            jvp=lambda primals, tangents, out, **pool:
                            None if tangents[1] is None else max_pool2d_select.bind(primals[0], tangents[1], **pool),
                            batch=merged_batch,
                            samples=[((_grid(xs, 9), _grid(xs, 10)), p) for xs, p in _POOL_CASES],
                            array_api=standard.max_pool2d_select)
max_pool2d_indices = defprim('max_pool2d_indices', kernels.max_pool2d_indices, _max_pool2d_indices_rule,
                             vjp=None, jvp=None, batch=merged_batch,
                             samples=[((_grid(xs, 11),), p) for xs, p in _POOL_CASES],
                             array_api=standard.max_pool2d_indices)


# ---------------------------------------------------------------- average pooling
def _avg_pool2d_rule(x, kernel_size, stride, padding=((0, 0), (0, 0)), count_include_pad=True,
                     divisor_override=None):
    shape = _pool_rule('avg_pool2d', x, kernel_size, stride, padding)
    return Aval(shape, x.dtype if x.dtype.kind == 'f' else np.dtype(np.float64))


def _avg_pool2d_grad_rule(g, input_size, kernel_size, stride, padding=((0, 0), (0, 0)),
                          count_include_pad=True, divisor_override=None):
    _nchw(g, 'avg_pool2d_grad', 'cotangent')
    if tuple(g.shape[2:]) != _out_hw('avg_pool2d_grad', input_size, kernel_size, stride, padding, (1, 1)):
        raise ValueError(f"cotangent {g.shape} does not fit input size {input_size}")
    return Aval(g.shape[:2] + tuple(input_size), g.dtype)


_AVG_CASES = [
    ((2, 2, 4, 4), {'kernel_size': (2, 2), 'stride': (2, 2)}),
    ((1, 2, 5, 6), {'kernel_size': (3, 3), 'stride': (2, 1), 'padding': ((1, 1), (1, 1))}),
    ((1, 2, 5, 6), {'kernel_size': (3, 2), 'stride': (1, 2), 'padding': ((1, 0), (0, 1)),
                    'count_include_pad': False}),
    ((1, 1, 4, 5), {'kernel_size': (2, 2), 'stride': (1, 1), 'divisor_override': 3}),
]

# Linear: the tangent is the pooling of the tangent.
avg_pool2d = defprim('avg_pool2d', kernels.avg_pool2d, _avg_pool2d_rule,
                     vjp=lambda g, x, out, **pool: (avg_pool2d_grad.bind(g, input_size=tuple(x.shape[2:]), **pool),),
                     jvp='linear', batch=merged_batch, samples=[((_grid(xs, 12),), p) for xs, p in _AVG_CASES],
                     array_api=standard.avg_pool2d)
avg_pool2d_grad = defprim('avg_pool2d_grad', kernels.avg_pool2d_grad, _avg_pool2d_grad_rule,
                          vjp=lambda ct, g, out, input_size, **pool: (avg_pool2d.bind(ct, **pool),),
                          jvp='linear', batch=merged_batch,
                          samples=[((_grid(kernels.avg_pool2d(np.zeros(xs), **p).shape, 13),), dict(p, input_size=xs[2:]))
                                   for xs, p in _AVG_CASES], array_api=standard.avg_pool2d_grad)
