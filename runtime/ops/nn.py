"""Neural-network functions: dense, dropout, convolution and pooling (NCHW), normalisation, and
the losses. Dense, dropout, the normalisations and the losses are compositions of ops, so their
gradients come from their parts; convolution and pooling are primitives."""
import math

import numpy as np

from ..primitives import activations as P_ACT, nn as P
from .activations import log_softmax
from .shapes import expand_dims, reshape, squeeze, transpose
from .common import aval_of, ndim_of, pick, shape_arg
from .creation import arange, bernoulli
from .linalg import matmul
from .elementwise import abs, cast, exp, log, maximum, minimum, not_equal, softplus, sqrt, stop_gradient, where
from .indexing import gather
from .reductions import amax, mean, sum
from .subscript import getitem


# ---------------------------------------------------------------- layers
def dense(input, weight, bias=None):
    """input @ weight^T + bias, with MindSpore's weight layout (out_channels, in_channels)."""
    out = matmul(input, transpose(weight) if ndim_of(weight) == 2 else weight)
    return out if bias is None else out + bias


linear = dense


def dropout(input, p=0.5, training=True, seed=None):
    """Zero each element with probability p and scale the rest by 1 / (1 - p); the identity when
    training is False. The keep-mask is a random draw (no gradient), so the gradient flows
    through `input * mask / (1 - p)`. A seed makes the mask the same on every call (compiled code
    included); seed=None draws a fresh mask at each call."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    return input * bernoulli(input, 1 - p, seed) / (1 - p)


# ---------------------------------------------------------------- convolution and pooling
def _pair(value, what):
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) == 1:
        pair = pair * 2
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in pair):
        raise ValueError(f"{what} must be a positive int or a pair of them, got {value!r}")
    return tuple(int(v) for v in pair)


def _four(padding, what='padding'):
    """int, (h, w) or (top, bottom, left, right) -> ((top, bottom), (left, right))."""
    pads = (padding,) if isinstance(padding, (int, np.integer)) else tuple(padding)
    if len(pads) == 1:
        pads = pads * 4
    elif len(pads) == 2:
        pads = (pads[0], pads[0], pads[1], pads[1])
    if len(pads) != 4 or not all(isinstance(p, (int, np.integer)) and p >= 0 for p in pads):
        raise ValueError(f"{what} must be a non-negative int or a tuple of 2 or 4 of them, got {padding!r}")
    return ((int(pads[0]), int(pads[1])), (int(pads[2]), int(pads[3])))


def _same_padding(hw, kernel_size, stride, dilation):
    """'same': output size ceil(size / stride); an odd total pad puts the extra row/column at the
    bottom/right."""
    pads = []
    for size, k, s, d in zip(hw, kernel_size, stride, dilation):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def conv2d(input, weight, bias=None, stride=1, pad_mode='valid', padding=0, dilation=1, groups=1):
    """2-D cross-correlation of input (N, C, H, W) with weight (out, C / groups, kh, kw), plus
    bias (out,). pad_mode is 'valid', 'same' or 'pad'; padding (an int, (h, w) or (top, bottom,
    left, right)) applies with 'pad', or when nonzero; padding may also be 'valid' or 'same'
    (the mint/PyTorch spelling)."""
    if isinstance(padding, str):
        pad_mode, padding = padding, 0
    stride, dilation = _pair(stride, 'conv2d: stride'), _pair(dilation, 'conv2d: dilation')
    mode = pad_mode.lower()
    if mode == 'same':
        if _four(padding) != ((0, 0), (0, 0)):
            raise ValueError(f"conv2d: pad_mode='same' takes no padding, got {padding!r}")
        pads = _same_padding(aval_of(input)[0][2:], aval_of(weight)[0][2:], stride, dilation)
    elif mode in ('valid', 'pad'):
        pads = _four(padding, 'conv2d: padding')
    else:
        raise ValueError(f"conv2d: pad_mode must be 'valid', 'same' or 'pad', got {pad_mode!r}")
    out = P.conv2d.bind(input, weight, stride=stride, padding=pads, dilation=dilation, groups=int(groups))
    return out if bias is None else out + reshape(bias, (-1, 1, 1))


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The transposed 2-D convolution (the adjoint of conv2d with respect to its input): input
    (N, C_in, H, W), weight (C_in, C_out / groups, kh, kw), bias (C_out,). Output size per axis:
    (size - 1) * stride - pad_before - pad_after + dilation * (k - 1) + output_padding + 1.
    padding is an int, (h, w) or (top, bottom, left, right); output_padding (an int or (h, w),
    less than stride or dilation) adds rows and columns at the bottom and right."""
    stride, dilation = _pair(stride, 'conv_transpose2d: stride'), _pair(dilation, 'conv_transpose2d: dilation')
    pads = _four(padding, 'conv_transpose2d: padding')
    extra = (output_padding,) * 2 if isinstance(output_padding, (int, np.integer)) else tuple(output_padding)
    if len(extra) != 2 or any(not 0 <= e < max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"conv_transpose2d: output_padding must be non-negative and less than stride or "
                         f"dilation, got {output_padding!r}")
    (n, c, h, w), kernel = aval_of(input)[0], aval_of(weight)[0][2:]
    size = tuple((i - 1) * s - p[0] - p[1] + d * (k - 1) + e + 1
                 for i, s, p, d, k, e in zip((h, w), stride, pads, dilation, kernel, extra))
    if min(size) < 1:
        raise ValueError(f"conv_transpose2d: the output would have size {size}")
    out = P.conv2d_input_grad.bind(input, weight, input_size=size, stride=stride, padding=pads,
                                   dilation=dilation, groups=int(groups))
    return out if bias is None else out + reshape(bias, (-1, 1, 1))


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
    """Maximum over each window (padding counts as -inf); stride defaults to kernel_size. The
    gradient goes to the maximum of each window (the first one, in row-major order, on ties).
    return_indices=True also returns each maximum's flat index into its H*W input plane."""
    if ceil_mode:
        raise ValueError("max_pool2d: ceil_mode=True is not supported")
    kernel_size = _pair(kernel_size, 'max_pool2d: kernel_size')
    params = dict(kernel_size=kernel_size,
                  stride=kernel_size if stride is None else _pair(stride, 'max_pool2d: stride'),
                  padding=_four(_pair_or_int(padding), 'max_pool2d: padding'),
                  dilation=_pair(dilation, 'max_pool2d: dilation'))
    out = P.max_pool2d.bind(x, **params)
    return (out, P.max_pool2d_indices.bind(x, **params)) if return_indices else out


def _pair_or_int(padding):
    """max_pool2d pads symmetrically: an int or (h, w)."""
    if not isinstance(padding, (int, np.integer)) and len(tuple(padding)) not in (1, 2):
        raise ValueError(f"max_pool2d: padding must be an int or (h, w), got {padding!r}")
    return padding


def avg_pool2d(input_x, kernel_size=1, stride=1, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=0):
    """Mean over each window (MindSpore's default stride is 1). padding: an int, (h, w) or (top,
    bottom, left, right) of zeros, counted in the mean unless count_include_pad=False;
    divisor_override (nonzero) replaces the divisor."""
    if ceil_mode:
        raise ValueError("avg_pool2d: ceil_mode=True is not supported")
    params = {}
    if not count_include_pad:
        params['count_include_pad'] = False
    if divisor_override:
        params['divisor_override'] = int(divisor_override)
    return P.avg_pool2d.bind(input_x, kernel_size=_pair(kernel_size, 'avg_pool2d: kernel_size'),
                             stride=_pair(stride, 'avg_pool2d: stride'),
                             padding=_four(padding, 'avg_pool2d: padding'), **params)


# ---------------------------------------------------------------- normalisation
def _normalize(x, axes, eps):
    centred = x - mean(x, axes, True)
    return centred / sqrt(mean(centred * centred, axes, True) + eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing axes `normalized_shape`
    (biased variance, as MindSpore and PyTorch use)."""
    shape = aval_of(input)[0]
    normalized_shape = shape_arg(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or k > len(shape) or tuple(shape[len(shape) - k:]) != normalized_shape:
        raise ValueError(f"layer_norm: normalized_shape {normalized_shape} is not the trailing shape of "
                         f"the input {shape}")
    out = _normalize(input, tuple(range(len(shape) - k, len(shape))), eps)
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def batch_norm(input_x, running_mean, running_var, weight, bias, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (axis 1) of (N, C, ...) input: with the batch's statistics when
    training (biased variance), else with running_mean and running_var; then * weight + bias.
    MindSpore updates the running statistics in place when training; compiled code cannot, so
    here they are never updated (momentum is accepted and unused): update them outside, e.g.
    from ops.mean(x, (0, 2, 3)) of the batch."""
    shape = aval_of(input_x)[0]
    if len(shape) < 2:
        raise ValueError(f"batch_norm: the input must have a channel axis (N, C, ...), got shape {shape}")
    stat = (1, shape[1]) + (1,) * (len(shape) - 2)
    if training:
        out = _normalize(input_x, (0,) + tuple(range(2, len(shape))), eps)
    else:
        out = (input_x - reshape(running_mean, stat)) / sqrt(reshape(running_var, stat) + eps)
    if weight is not None:
        out = out * reshape(weight, stat)
    return out if bias is None else out + reshape(bias, stat)


# ---------------------------------------------------------------- losses
def _reduce(loss, reduction):
    if reduction == 'mean':
        return mean(loss)
    if reduction == 'sum':
        return sum(loss)
    if reduction == 'none':
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction='mean'):
    """-w [p y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))], computed without overflow as
    w [(1 - y) x + softplus(-x) + (p - 1) y softplus(-x)]."""
    loss = P_ACT.sigmoid_cross_entropy_with_logits.bind(input, target)
    if pos_weight is not None:      # (a pos_weight of ones adds zero, which the compiler drops)
        loss = loss + (pos_weight - 1) * target * softplus(-input)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _log_floor(x):
    """The smallest argument a loss takes the log of. PyTorch clamps log(p) at -100; so does this
    in float64 (log(max(p, e^-100))). In float32 e^-100 is subnormal and its reciprocal overflows
    in the gradient, so the floor is the smallest normal float32 (log = -87.3): the value at
    p = 0 or 1 differs from PyTorch's, the gradient stays finite."""
    dtype = aval_of(x)[1]
    tiny = float(np.finfo(dtype).tiny) if dtype.kind == 'f' else 0.0
    return max(math.exp(-100), tiny)


def binary_cross_entropy(logits, labels, weight=None, reduction='mean'):
    """-w [y log(p) + (1 - y) log(1 - p)] for probabilities p = logits, each log clamped as
    `_log_floor` says (so p = 0 or 1 gives a finite loss and gradient)."""
    floor = _log_floor(logits)
    loss = -(labels * log(maximum(logits, floor)) + (1 - labels) * log(maximum(1 - logits, floor)))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
    """Cross entropy of logits `input` (C,), (N, C) or (N, C, d1, ...) against class indices
    (an int array shaped like input without the class axis) or class probabilities (a float
    array shaped like input). 'mean' divides by the total weight of the targets (indices) or by
    the number of positions (probabilities); see nll_loss."""
    class_axis = 1 if ndim_of(input) > 1 else 0
    if aval_of(target)[1].kind in 'iub' and not label_smoothing:
        # log_softmax at the targets is the logit there less logsumexp: no log_softmax of every
        # class, and the adjoint scatters the targets' -1 into the softmax.
        lse = _logsumexp_keeping_exp(input, class_axis)
        return _nll_indices(lambda index: lse - _at_targets(input, index, class_axis), aval_of(input),
                            target, weight, ignore_index, reduction)
    return nll_loss(log_softmax(input, class_axis), target, weight, ignore_index, reduction, label_smoothing)


def nll_loss(inputs, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
    """Negative log likelihood of log-probabilities `inputs` (classes on axis 1, or axis 0 for a
    single sample) with MindSpore's (PyTorch's) conventions:
    - index targets: l = -w[y] logp[y], 0 where y == ignore_index; 'mean' is sum(l) / sum(w[y])
      over the targets not ignored. Every other target must be a class index;
    - probability targets: l = -sum_c w_c y_c logp_c; 'mean' averages over the positions;
    - label_smoothing e mixes in the uniform distribution: (1 - e) * loss + e / C * smooth loss."""
    shape, dtype = aval_of(inputs)
    target_shape, target_dtype = aval_of(target)
    class_axis = 1 if len(shape) > 1 else 0
    classes = shape[class_axis]
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    if target_dtype.kind in 'iub':
        loss = _nll_indices(lambda index: -_at_targets(inputs, index, class_axis), (shape, dtype), target,
                            weight, ignore_index, 'none' if label_smoothing else reduction)
        if not label_smoothing:
            return loss
        return _smoothed(loss, inputs, target, weight, ignore_index, reduction, label_smoothing)
    if tuple(target_shape) != tuple(shape):
        raise ValueError(f"nll_loss: probability targets {target_shape} must have the input's shape {shape}")
    w = None if weight is None else reshape(weight, _class_shape(shape))
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    picked = target * inputs if w is None else target * w * inputs
    return _reduce(-sum(picked, class_axis), reduction)


def _class_shape(shape):
    """The shape that puts a per-class vector on the class axis of `shape`."""
    class_axis = 1 if len(shape) > 1 else 0
    return (shape[class_axis],) + (1,) * (len(shape) - class_axis - 1)


def _checked_targets(target, shape):
    class_axis = 1 if len(shape) > 1 else 0
    expected = shape[:class_axis] + shape[class_axis + 1:]
    if tuple(aval_of(target)[0]) != expected:
        raise ValueError(f"nll_loss: class-index targets of shape {aval_of(target)[0]} must have the "
                         f"input's shape {shape} without its class axis, {expected}")


def _nll_indices(nll_at, aval, target, weight, ignore_index, reduction):
    """-w[y] logp[y] per position, `nll_at(index)` giving -logp at the classes `index` names (a
    gather, never a one-hot of every class). An ignored target is read as class 0 and weighs
    nothing."""
    shape, dtype = aval
    _checked_targets(target, shape)
    kept = not_equal(target, ignore_index)
    index = where(kept, target, 0)
    target_w = cast(kept, dtype) if weight is None else gather(weight, index, 0) * kept
    loss = nll_at(index) * target_w
    if reduction == 'mean':
        return sum(loss) / sum(target_w)
    return _reduce(loss, reduction)


def _smoothed(loss, logp, target, weight, ignore_index, reduction, smoothing):
    """(1 - e) loss + e / C smooth loss, the smooth loss -sum_c w_c logp_c at each kept target;
    'mean' divides both by the total weight of the kept targets."""
    shape, dtype = aval_of(logp)
    class_axis = 1 if len(shape) > 1 else 0
    kept = cast(not_equal(target, ignore_index), dtype)
    w = None if weight is None else reshape(weight, _class_shape(shape))
    smooth = -sum(logp if w is None else logp * w, class_axis) * kept
    loss = (1 - smoothing) * loss + smoothing / shape[class_axis] * smooth
    if reduction == 'mean':
        total = sum(kept) if weight is None else sum(gather(weight, where(kept > 0, target, 0), 0) * kept)
        return sum(loss) / total
    return _reduce(loss, reduction)


def _logsumexp_keeping_exp(x, axis):
    """logsumexp over `axis`, shifted by the maximum, whose adjoint reads the forward's exp
    (g / sum * exp, the softmax times g) instead of computing it again. The shift is a
    constant to the derivative (its two paths cancel), so it takes no gradient. A row of
    -inf gives NaN (the loss at its target is NaN either way)."""
    top = stop_gradient(amax(x, axis, keepdims=True))
    e = exp(x - top)
    return squeeze(log(sum(e, axis, keepdims=True)) + top, axis)


def _at_targets(x, index, class_axis):
    """x at each position's class `index`: x[n, index[n, d...], d...] (for a 1-D x, x[index])."""
    shape = aval_of(x)[0]
    others = [axis for axis in range(len(shape)) if axis != class_axis]
    items = [reshape(arange(shape[axis]), (shape[axis],) + (1,) * (len(others) - k - 1))
             for k, axis in enumerate(others)]
    items.insert(class_axis, index)
    return getitem(x, tuple(items))


def mse_loss(input, target, reduction='mean'):
    """(input - target)^2, reduced."""
    return _reduce((input - target) ** 2, reduction)


def l1_loss(input, target, reduction='mean'):
    """|input - target|, reduced."""
    return _reduce(abs(input - target), reduction)


def smooth_l1_loss(input, target, beta=1.0, reduction='none'):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target); MindSpore's
    default reduction here is 'none'. Written as 0.5 c^2 / beta + (|d| - c) with
    c = min(|d|, beta), which is the same function with no branch."""
    if beta <= 0:
        raise ValueError(f"smooth_l1_loss: beta must be positive, got {beta}")
    distance = abs(input - target)
    clipped = minimum(distance, beta)
    return _reduce(0.5 * clipped * clipped / beta + (distance - clipped), reduction)


def kl_div(logits=None, labels=None, reduction='mean', log_target=False, *, input=None, target=None):
    """labels * (log(labels) - logits), 0 where labels is 0 (logits are log-probabilities).
    MindSpore's 'mean' averages over every element; 'batchmean' (sum / shape[0]) is the
    mathematical KL divergence (PyTorch's recommended reduction). With log_target=True labels are
    log-probabilities too: exp(labels) * (labels - logits). `input`/`target` are accepted for
    logits/labels (MindSpore's later names)."""
    logits, labels = pick('logits', logits, input), pick('labels', labels, target)
    if log_target:
        loss = exp(labels) * (labels - logits)
    else:
        loss = labels * log(maximum(labels, _log_floor(labels))) - labels * logits
    if reduction == 'batchmean':
        shape = aval_of(logits)[0]
        return sum(loss) / (shape[0] if shape else 1)
    return _reduce(loss, reduction)
