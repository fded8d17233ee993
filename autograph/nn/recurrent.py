"""Recurrent layers with MindSpore's names, arguments and Parameter layout: RNN, GRU, LSTM
(multi-layer, bidirectional, batch_first, dropout between layers).

Parameters, per layer k and direction (suffix '_reverse' for the backward one), in MindSpore's
order and names: weight_ih_l{k} (gates * hidden_size, input size of the layer), weight_hh_l{k}
(gates * hidden_size, hidden_size), bias_ih_l{k}, bias_hh_l{k} (gates * hidden_size,), all
uniform in ±1/sqrt(hidden_size). Gates are stacked as (i, f, g, o) for LSTM and (r, z, n) for GRU.

The time loop is the function `_sweep` (and the step `_step`), compiled from its source like user code rather than run
while compiling, so that in generated code it stays one Python loop over the steps (its adjoint a
loop backwards over saved states) instead of one copy of the cell per step."""
import math
import numbers

from runtime import dtypes as runtime_dtypes
from runtime import ops
from runtime.ops.common import aval_of
from runtime.primitive import current_builder
from ..cell import Cell
from .layers import _bool, _initial_parameter, _positive_int, _uniform


class _FromSource:
    """A library function that compiled code lowers from its source (as it does user functions),
    so its loops over compile-time ranges stay run-time loops. Called eagerly, it simply runs."""

    def __init__(self, fn):
        self.fn = fn
        self.__name__ = fn.__name__

    def __autograph_inline__(self, lowering, args, kwargs):
        return lowering.call_user_function(self.fn, args, kwargs)

    def __call__(self, *args, **kwargs):
        builder = current_builder()
        if builder is not None and builder.lower_call is not None:
            return builder.lower_call(self, args, kwargs)
        return self.fn(*args, **kwargs)


def _step_source(mode, gx, h, c, w_hh_t, b_hh, hidden):
    """One step of a cell: gx is the input's projection (with its bias) for this step."""
    gh = ops.matmul(h, w_hh_t)
    if b_hh is not None:
        gh = gh + b_hh
    if mode == 'LSTM':
        gates = gx + gh
        i = ops.sigmoid(gates[:, :hidden])
        f = ops.sigmoid(gates[:, hidden:2 * hidden])
        g = ops.tanh(gates[:, 2 * hidden:3 * hidden])
        o = ops.sigmoid(gates[:, 3 * hidden:])
        c = f * c + i * g
        return o * ops.tanh(c), c
    if mode == 'GRU':
        r = ops.sigmoid(gx[:, :hidden] + gh[:, :hidden])
        z = ops.sigmoid(gx[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
        n = ops.tanh(gx[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
        return (1 - z) * n + z * h, c
    if mode == 'RNN_RELU':
        return ops.relu(gx + gh), c
    return ops.tanh(gx + gh), c


def _sweep_source(mode, xs, h, c, w_ih, w_hh, b_ih, b_hh, hidden, reverse):
    """One direction of one layer over the whole sequence xs (steps, batch, features): the
    outputs (steps, batch, hidden) and the last h and c."""
    gx = ops.matmul(xs, ops.transpose(w_ih))       # every step's input projection at once
    if b_ih is not None:
        gx = gx + b_ih
    w_hh_t = ops.transpose(w_hh)
    steps = xs.shape[0]
    out = ops.zeros_like(gx[:, :, :hidden])
    for i in range(steps):
        t = steps - 1 - i if reverse else i
        h, c = _step(mode, gx[t], h, c, w_hh_t, b_hh, hidden)
        out[t] = h
    return out, h, c


_step = _FromSource(_step_source)
_sweep = _FromSource(_sweep_source)


class _RNNBase(Cell):
    _GATES = 1

    def __init__(self, mode, input_size, hidden_size, num_layers, has_bias, batch_first, dropout,
                 bidirectional, dtype):
        super().__init__()
        owner = type(self).__name__
        self.mode = mode
        self.input_size = _positive_int(input_size, 'input_size', owner)
        self.hidden_size = _positive_int(hidden_size, 'hidden_size', owner)
        self.num_layers = _positive_int(num_layers, 'num_layers', owner)
        self.has_bias = _bool(has_bias, 'has_bias', owner)
        self.batch_first = _bool(batch_first, 'batch_first', owner)
        self.bidirectional = _bool(bidirectional, 'bidirectional', owner)
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
            raise ValueError(f"For '{owner}', 'dropout' must be a number in [0, 1), got {dropout!r}")
        self.dropout = float(dropout)
        self.num_directions = 2 if self.bidirectional else 1
        bound = 1.0 / math.sqrt(self.hidden_size)
        gate_size = self._GATES * self.hidden_size
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else self.hidden_size * self.num_directions
            for suffix in ('', '_reverse')[:self.num_directions]:
                shapes = {'weight_ih': (gate_size, layer_input), 'weight_hh': (gate_size, self.hidden_size)}
                if self.has_bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                for kind, shape in shapes.items():
                    name = f'{kind}_l{layer}{suffix}'
                    setattr(self, name, _initial_parameter(None, shape, dtype, name, owner,
                                                           lambda s: _uniform(bound, s)))

    def _weights(self, layer, suffix):
        get = lambda kind: getattr(self, f'{kind}_l{layer}{suffix}', None)   # noqa: E731
        return get('weight_ih'), get('weight_hh'), get('bias_ih'), get('bias_hh')

    def _run(self, x, h0, c0):
        owner = type(self).__name__
        shape, dtype = aval_of(x)
        if len(shape) != 3 or shape[2] != self.input_size:
            layout = '(batch, seq_len, ' if self.batch_first else '(seq_len, batch, '
            raise ValueError(f"For '{owner}', the input must be {layout}{self.input_size}), got shape {shape}")
        if self.batch_first:
            x = ops.swapaxes(x, 0, 1)
        batch = shape[0] if self.batch_first else shape[1]
        state_shape = (self.num_layers * self.num_directions, batch, self.hidden_size)
        for name, state in (('hx', h0), ('cx', c0)):
            if state is not None and tuple(aval_of(state)[0]) != state_shape:
                raise ValueError(f"For '{owner}', the initial state {name} must have shape {state_shape}, "
                                 f"got {tuple(aval_of(state)[0])}")
        zeros = ops.zeros((batch, self.hidden_size), dtype)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for direction, suffix in enumerate(('', '_reverse')[:self.num_directions]):
                k = layer * self.num_directions + direction
                h = zeros if h0 is None else h0[k]
                c = zeros if c0 is None else c0[k]
                out, h, c = _sweep(self.mode, x, h, c, *self._weights(layer, suffix), self.hidden_size,
                                   direction == 1)
                outs.append(out)
                h_n.append(h)
                c_n.append(c)
            x = outs[0] if len(outs) == 1 else ops.concat(outs, -1)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = ops.dropout(x, self.dropout, True)
        if self.batch_first:
            x = ops.swapaxes(x, 0, 1)
        return x, ops.stack(h_n, 0), ops.stack(c_n, 0)

    def _check_seq_length(self, seq_length):
        if seq_length is not None:
            raise ValueError(f"For '{type(self).__name__}', 'seq_length' is not supported: pad the "
                             "sequences and pass seq_length=None")

    def extend_repr(self):
        return (f'input_size={self.input_size}, hidden_size={self.hidden_size}, num_layers={self.num_layers}, '
                f'has_bias={self.has_bias}, batch_first={self.batch_first}, dropout={self.dropout}, '
                f'bidirectional={self.bidirectional}')


class RNN(_RNNBase):
    """Elman RNN: h_t = nonlinearity(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), nonlinearity 'tanh'
    (default) or 'relu'. `construct(x, hx=None, seq_length=None)` -> (output, h_n): output
    (seq_len, batch, num_directions * hidden_size) (batch first with batch_first), h_n
    (num_directions * num_layers, batch, hidden_size); hx has h_n's shape, zeros by default.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> rnn = nn.RNN(3, 5)
        >>> out, h = rnn(Tensor(np.ones((7, 2, 3), np.float32)))
        >>> out.shape, h.shape
        ((7, 2, 5), (1, 2, 5))
    """
    _GATES = 1

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity='tanh', has_bias=True,
                 batch_first=False, dropout=0., bidirectional=False, dtype=runtime_dtypes.float32):
        if nonlinearity not in ('tanh', 'relu'):
            raise ValueError(f"For 'RNN', 'nonlinearity' must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__('RNN_TANH' if nonlinearity == 'tanh' else 'RNN_RELU', input_size, hidden_size,
                         num_layers, has_bias, batch_first, dropout, bidirectional, dtype)
        self.nonlinearity = nonlinearity

    def construct(self, x, hx=None, seq_length=None):
        self._check_seq_length(seq_length)
        out, h_n, _ = self._run(x, hx, None)
        return out, h_n


class GRU(_RNNBase):
    """Gated recurrent unit, gates (r, z, n): n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
    h' = (1 - z) * n + z * h. Inputs and outputs as RNN's.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> gru = nn.GRU(3, 5, batch_first=True)
        >>> out, h = gru(Tensor(np.ones((2, 7, 3), np.float32)))
        >>> out.shape, h.shape
        ((2, 7, 5), (1, 2, 5))
    """
    _GATES = 3

    def __init__(self, input_size, hidden_size, num_layers=1, has_bias=True, batch_first=False,
                 dropout=0., bidirectional=False, dtype=runtime_dtypes.float32):
        super().__init__('GRU', input_size, hidden_size, num_layers, has_bias, batch_first, dropout,
                         bidirectional, dtype)

    def construct(self, x, hx=None, seq_length=None):
        self._check_seq_length(seq_length)
        out, h_n, _ = self._run(x, hx, None)
        return out, h_n


class LSTM(_RNNBase):
    """Long short-term memory, gates (i, f, g, o): c' = f * c + i * g, h' = o * tanh(c').
    `construct(x, hx=None, seq_length=None)` with hx an (h_0, c_0) pair -> (output, (h_n, c_n)),
    shapes as RNN's.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> lstm = nn.LSTM(3, 5, batch_first=True)
        >>> out, (h, c) = lstm(Tensor(np.ones((2, 7, 3), np.float32)))
        >>> out.shape, h.shape, c.shape
        ((2, 7, 5), (1, 2, 5), (1, 2, 5))
    """
    _GATES = 4

    def __init__(self, input_size, hidden_size, num_layers=1, has_bias=True, batch_first=False,
                 dropout=0., bidirectional=False, dtype=runtime_dtypes.float32):
        super().__init__('LSTM', input_size, hidden_size, num_layers, has_bias, batch_first, dropout,
                         bidirectional, dtype)

    def construct(self, x, hx=None, seq_length=None):
        self._check_seq_length(seq_length)
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("For 'LSTM', 'hx' must be a pair (h_0, c_0)")
        h0, c0 = (None, None) if hx is None else hx
        out, h_n, c_n = self._run(x, h0, c0)
        return out, (h_n, c_n)
