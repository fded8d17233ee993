"""Optimizers as Cells, with MindSpore's names and conventions: `SGD`, `Momentum`, `Adam`,
`AdamW`, `AdamWeightDecay`, `RMSProp`, `Adagrad` (schedules: `learning_rate_schedule`).

`optimizer(grads)` takes the tuple that `grad_fn` returns for `weights=optimizer.parameters`
(`net.trainable_params()` when the optimizer was built from it), in that order, updates every
Parameter in place and returns True (MindSpore returns a bool Tensor, or a tuple of them).

The state (moments, `global_step`, beta powers) lives in Parameters of the optimizer
(requires_grad=False, named `moment1.weight`, ...), read in `construct` and written with an
`ops.assign`, so it persists across calls. `construct` is built only from runtime ops and Tensor
operators, so the update compiles: `autograph.jit(optimizer)(grads)` runs it as generated NumPy,
and a whole jitted training step may call it. Hyperparameters (momentum, betas, eps, weight decay)
are compile-time constants of that code (changing one recompiles); the learning rate is a
run-time input: the Parameter
`learning_rate` (set_data never recompiles), or a value computed from `global_step` (a list
indexed by it, or a schedule). A LearningRateSchedule or callable given as `learning_rate` is
called directly on the step, a Tensor eagerly and a symbolic value when compiled, so it must use
ops and operators only (no Python `if` on the step).

Later reads of an updated Parameter in the same compiled function see the new value (the compiler
rebinds a Parameter written by `ops.assign`), so one function may run several updates.
"""
from collections.abc import Iterable

import numpy as np

from runtime import dtypes, ops
from runtime.tensor import Parameter, ParameterTuple, Tensor
from ..cell import Cell
from .learning_rate_schedule import LearningRateSchedule, flag_arg, number_arg


class _ListLR(LearningRateSchedule):
    """One learning rate per step, from a Parameter indexed by the step; past the end the last
    value is kept (MindSpore's gather would read out of range)."""

    def __init__(self, values, name):
        super().__init__()
        self.learning_rate = Parameter(Tensor(values, dtypes.float32), name=name, requires_grad=False)

    def construct(self, global_step):
        last = self.learning_rate.shape[0] - 1
        return ops.gather(self.learning_rate, ops.minimum(global_step, last), 0)


class _CallableLR(LearningRateSchedule):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def construct(self, global_step):
        return self.fn(global_step)


def _learning_rate(owner, lr, name):
    """A learning rate argument -> a scalar Parameter (fixed) or a schedule Cell (dynamic)."""
    if isinstance(lr, Parameter) and lr.ndim == 0:
        return lr                       # the caller's own Parameter: its set_data steers the rate
    if isinstance(lr, Cell) or (callable(lr) and not isinstance(lr, (Tensor, np.ndarray))):
        return lr if isinstance(lr, LearningRateSchedule) else _CallableLR(lr)
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.number, Tensor, np.ndarray, Iterable)):
        raise TypeError(f"{owner}: 'learning_rate' must be a float, a list or 1-D array of floats "
                        f"(one per step), or a LearningRateSchedule, got {type(lr).__name__}")
    values = np.asarray(lr.asnumpy() if isinstance(lr, Tensor) else
                        lr if isinstance(lr, (int, float, np.number, np.ndarray)) else list(lr))
    if values.dtype.kind not in 'fiu' or values.ndim > 1 or values.size == 0:
        raise ValueError(f"{owner}: 'learning_rate' must be a number or a non-empty 1-D sequence "
                         f"of numbers, got {lr!r}")
    if (values < 0).any():
        raise ValueError(f"{owner}: 'learning_rate' must be >= 0, got {lr!r}")
    if values.ndim == 0:
        return Parameter(Tensor(values, dtypes.float32), name=name, requires_grad=False)
    return _ListLR(values, name)


# ---------------------------------------------------------------- the base class
_GROUP_KEYS = ('params', 'lr', 'weight_decay', 'grad_centralization', 'order_params')


class Optimizer(Cell):
    """Base of the optimizers. `parameters` is a list of Parameters or of group dicts
    (`{'params': [...], 'lr': ..., 'weight_decay': ...}`, and `{'order_params': [...]}` to fix
    the order). Without groups, weight decay skips Parameters whose name holds 'beta' or
    'gamma' (normalisation layers), as in MindSpore. Subclasses write `construct(gradients)` with
    `_gradients` (checks, loss scale, L2 decay) and `_step_lrs` (per-Parameter learning rates).

    Example:
        >>> from autograph import nn
        >>> optimizer = nn.SGD(nn.Dense(3, 2).trainable_params(), 0.1)
        >>> isinstance(optimizer, nn.Optimizer), len(optimizer.parameters)
        (True, 2)
    """
    _l2_in_gradient = True      # weight decay added to the gradient; False: decoupled (AdamW)
    _decay_filter = True        # ungrouped decay skips 'beta'/'gamma' Parameters

    def __init__(self, learning_rate, parameters, weight_decay=0.0, loss_scale=1.0):
        super().__init__(auto_prefix=False)
        owner = type(self).__name__
        self.loss_scale = number_arg(owner, 'loss_scale', loss_scale, strict=True)
        weight_decay = number_arg(owner, 'weight_decay', weight_decay)
        groups = _groups(owner, parameters)
        self.is_group = isinstance(groups[0], dict)
        self.is_group_lr = self.is_group and any('lr' in g for g in groups)
        default_lr = _learning_rate(owner, learning_rate, 'learning_rate')
        params, lrs, decays, order = [], [], [], None
        for i, group in enumerate(groups if self.is_group else [{'params': groups}]):
            if 'order_params' in group:
                order = list(group['order_params'])
                continue
            lr = _learning_rate(owner, group['lr'], f'learning_rate_group_{i}') if 'lr' in group else default_lr
            decay = number_arg(owner, 'weight_decay', group.get('weight_decay', weight_decay))
            for p in group['params']:
                skip = not self.is_group and self._decay_filter and _is_norm_parameter(p)
                params.append(p)
                lrs.append(lr)
                decays.append(0.0 if skip else decay)
        if order is not None:
            params, lrs, decays = _reorder(owner, order, params, lrs, decays)
        _check_unique(owner, params)
        self.parameters = ParameterTuple(params)
        self._lrs, self._decays = tuple(lrs), tuple(decays)
        self.weight_decay = tuple(decays) if self.is_group else weight_decay
        self.dynamic_lr = any(not isinstance(lr, Parameter) for lr in lrs)
        self.global_step = Parameter(Tensor(np.zeros(1, np.int32)), name='global_step', requires_grad=False)
        if self.is_group_lr:
            self.learning_rate = tuple(lrs)
            for lr in dict.fromkeys(lrs):
                self._own(lr, lr.name if isinstance(lr, Parameter) else f'learning_rate_{len(self._cells)}')
        else:
            self.learning_rate = default_lr

    # ------------------------------------------------------------ state
    def _own(self, obj, name):
        """Register a Parameter or Cell held in a tuple, so parameters_and_names lists it."""
        (self._params if isinstance(obj, Parameter) else self._cells)[name] = obj

    def _clone(self, prefix, init=0.0):
        """One state Parameter per optimized Parameter, like it in shape and dtype, filled with
        `init` and named `prefix.<name>` (`moment1.weight`), as MindSpore's clone names them."""
        state = []
        for i, p in enumerate(self.parameters):
            data = np.full(p.shape, init, dtype=p.asnumpy().dtype)
            s = Parameter(Tensor(data), name=f'{prefix}.{p.name or i}', requires_grad=False)
            self._own(s, s.name)
            state.append(s)
        return ParameterTuple(state)

    # ------------------------------------------------------------ helpers of construct
    def _gradients(self, gradients):
        """The gradients, checked against the Parameters (count and shapes, at compile time when
        compiled), divided by loss_scale, with L2 weight decay added unless it is decoupled."""
        owner = type(self).__name__
        if not isinstance(gradients, (tuple, list)):
            raise TypeError(f"{owner}: 'gradients' must be a tuple with one gradient per Parameter "
                            f"of optimizer.parameters, got {type(gradients).__name__}")
        if len(gradients) != len(self.parameters):
            raise ValueError(f"{owner}: got {len(gradients)} gradients for {len(self.parameters)} "
                             "Parameters; pass the tuple that grad_fn returns for "
                             "weights=optimizer.parameters, in the same order")
        out = []
        for p, g, decay in zip(self.parameters, gradients, self._decays):
            shape = tuple(getattr(g, 'shape', ()))
            if shape != tuple(p.shape):
                raise ValueError(f"{owner}: the gradient for Parameter '{p.name}' has shape {shape}, "
                                 f"but the Parameter has shape {tuple(p.shape)}")
            if self.loss_scale != 1.0:
                g = g * (1.0 / self.loss_scale)
            if decay and self._l2_in_gradient:
                g = g + decay * p
            out.append(g)
        return out

    def _step_lrs(self):
        """The learning rate of the current step for each Parameter (each schedule is evaluated
        once), and `global_step` advanced by one."""
        step = self.global_step
        values = {}
        for lr in self._lrs:
            if id(lr) not in values:
                values[id(lr)] = lr if isinstance(lr, Parameter) else ops.reshape(lr(step), ())
        ops.assign(self.global_step, step + 1)
        return tuple(values[id(lr)] for lr in self._lrs)

    def get_lr(self):
        """MindSpore's get_lr: the current learning rate (a tuple, one per Parameter, when groups
        set 'lr'); like MindSpore's, it advances `global_step`, so call it once per update."""
        lrs = self._step_lrs()
        return lrs if self.is_group_lr else lrs[0]

    def get_lr_parameter(self, param):
        """The learning-rate Parameter (or schedule) used for `param` (or for each of a list)."""
        ids = [id(p) for p in self.parameters]
        chosen = [param] if isinstance(param, Parameter) else list(param)
        for p in chosen:
            if id(p) not in ids:
                raise ValueError(f"get_lr_parameter: Parameter '{getattr(p, 'name', p)}' is not "
                                 "optimized by this optimizer")
        found = [self._lrs[ids.index(id(p))] for p in chosen]
        found = [lr.learning_rate if isinstance(lr, _ListLR) else lr for lr in found]
        return found[0] if isinstance(param, Parameter) else found

    def construct(self, gradients):
        raise NotImplementedError(f"{type(self).__name__} must define construct(gradients)")


def _is_norm_parameter(p):
    return 'beta' in (p.name or '') or 'gamma' in (p.name or '')


def _groups(owner, parameters):
    if parameters is None or isinstance(parameters, (Tensor, dict)) or not isinstance(parameters, Iterable):
        raise TypeError(f"{owner}: 'params' must be a list of Parameters (e.g. "
                        f"net.trainable_params()) or of group dicts, got {type(parameters).__name__}")
    groups = list(parameters)
    if not groups:
        raise ValueError(f"{owner}: 'params' is empty")
    if all(isinstance(g, dict) for g in groups):
        groups = [dict(g, params=list(g['params'])) if isinstance(g.get('params'), Iterable)
                  and not isinstance(g['params'], (Tensor, dict)) else g for g in groups]
        for g in groups:
            unknown = [k for k in g if k not in _GROUP_KEYS]
            if unknown:
                raise KeyError(f"{owner}: group keys must be among {_GROUP_KEYS}, got {unknown}")
            if g.get('grad_centralization'):
                raise NotImplementedError(f"{owner}: grad_centralization is not supported")
            if 'order_params' not in g:
                _check_parameters(owner, g.get('params'), "a group's 'params'")
        return groups
    _check_parameters(owner, groups, "'params'")
    return groups


def _check_parameters(owner, params, what):
    if isinstance(params, (Tensor, dict)) or not isinstance(params, Iterable) or not list(params):
        raise TypeError(f"{owner}: {what} must be a non-empty list of Parameters")
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(f"{owner}: {what} must hold only Parameters (or be all group dicts), "
                            f"but item {i} is {type(p).__name__}")


def _check_unique(owner, params):
    seen = set()
    for p in params:
        if id(p) in seen:
            raise ValueError(f"{owner}: Parameter '{p.name}' is listed more than once")
        seen.add(id(p))


def _reorder(owner, order, params, lrs, decays):
    index = {id(p): i for i, p in enumerate(params)}
    if len(order) != len(params) or any(id(p) not in index for p in order):
        raise ValueError(f"{owner}: 'order_params' must hold exactly the grouped Parameters")
    picks = [index[id(p)] for p in order]
    return [params[i] for i in picks], [lrs[i] for i in picks], [decays[i] for i in picks]


def _complement(x):
    """1 - x, rounded to 15 digits: the generated code reads `0.1 * g`, not
    `0.09999999999999998 * g` (the two differ by less than one part in 10**15)."""
    return float(f'{1.0 - x:.15g}')


# ---------------------------------------------------------------- SGD and Momentum
class SGD(Optimizer):
    """SGD with optional momentum, as MindSpore's SGD kernel (and PyTorch): g += wd * p; with
    momentum u > 0, v = g on the first step, else v = u v + (1 - dampening) g, and
    g = g + u v (nesterov) or g = v; then p -= lr g. State: `accum.<name>` (v), `stat.<name>`
    (1 until the first step). Weight decay applies to every Parameter (no 'beta'/'gamma' filter),
    per group when groups set it (MindSpore's SGD does not support that).

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn
        >>> net = nn.Dense(3, 2)
        >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
        >>> loss_fn = nn.MSELoss()
        >>> grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(net(a), b), None, net.trainable_params())
        >>> optimizer = nn.SGD(net.trainable_params(), learning_rate=0.1)
        >>> loss, grads = grad_fn(x, y)
        >>> _ = optimizer(grads)   # one update, in place
        >>> [p.shape for p in net.trainable_params()]
        [(2, 3), (2,)]
    """
    _decay_filter = False

    def __init__(self, params, learning_rate=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, loss_scale=1.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        self.momentum = number_arg('SGD', 'momentum', momentum)
        self.dampening = number_arg('SGD', 'dampening', dampening)
        self.nesterov = flag_arg('SGD', 'nesterov', nesterov)
        if self.nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise ValueError("SGD: nesterov=True needs 'momentum' > 0 and 'dampening' == 0, got "
                             f"momentum={self.momentum}, dampening={self.dampening}")
        self.accum = self._clone('accum', 0.0)
        self.stat = self._clone('stat', 1.0)

    def construct(self, gradients):
        grads = self._gradients(gradients)
        for p, g, lr, accum, stat in zip(self.parameters, grads, self._step_lrs(), self.accum, self.stat):
            if self.momentum > 0.0:
                v = ops.where(stat > 0, g, accum * self.momentum + _complement(self.dampening) * g)
                ops.assign(accum, v)
                ops.assign(stat, ops.zeros_like(stat))
                g = g + v * self.momentum if self.nesterov else v
            ops.assign(p, p - lr * g)
        return True


class Momentum(Optimizer):
    """MindSpore's Momentum (ApplyMomentum): v = u v + g; p -= lr v, or with use_nesterov
    p -= lr g + lr u v. State: `moments.<name>`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn
        >>> net = nn.Dense(3, 2)
        >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
        >>> loss_fn = nn.MSELoss()
        >>> grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(net(a), b), None, net.trainable_params())
        >>> optimizer = nn.Momentum(net.trainable_params(), learning_rate=0.1, momentum=0.9)
        >>> loss, grads = grad_fn(x, y)
        >>> _ = optimizer(grads)   # one update, in place
        >>> [p.shape for p in net.trainable_params()]
        [(2, 3), (2,)]
    """

    def __init__(self, params, learning_rate, momentum, weight_decay=0.0, loss_scale=1.0,
                 use_nesterov=False):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        self.momentum = number_arg('Momentum', 'momentum', momentum)
        self.use_nesterov = flag_arg('Momentum', 'use_nesterov', use_nesterov)
        self.moments = self._clone('moments', 0.0)

    def construct(self, gradients):
        grads = self._gradients(gradients)
        for p, g, lr, moment in zip(self.parameters, grads, self._step_lrs(), self.moments):
            v = moment * self.momentum + g
            ops.assign(moment, v)
            step = g * lr + v * self.momentum * lr if self.use_nesterov else lr * v
            ops.assign(p, p - step)
        return True


# ---------------------------------------------------------------- the Adam family
def _check_betas(owner, beta1, beta2, eps):
    return (number_arg(owner, 'beta1', beta1, below=1.0, strict=True),
            number_arg(owner, 'beta2', beta2, below=1.0, strict=True),
            number_arg(owner, 'eps', eps, strict=True))


class _AdamBase(Optimizer):
    """Moments `moment1`/`moment2` (m, v), and for the bias-corrected ones `beta1_power`,
    `beta2_power` (beta^t, starting from 1), as MindSpore's Adam holds them: float32, or
    float64 when a Parameter is (1 - beta2^t in float32 loses digits that float64 models keep)."""
    _moment_names = ('moment1', 'moment2')

    def _setup(self, beta1, beta2, eps, use_amsgrad, corrected=True):
        owner = type(self).__name__
        self.beta1, self.beta2, self.eps = _check_betas(owner, beta1, beta2, eps)
        self.use_amsgrad = flag_arg(owner, 'use_amsgrad', use_amsgrad)
        self.moment1 = self._clone(self._moment_names[0], 0.0)
        self.moment2 = self._clone(self._moment_names[1], 0.0)
        if self.use_amsgrad:
            self.vhat = self._clone('vhat', 0.0)
        if corrected:
            wide = any(p.asnumpy().dtype == np.float64 for p in self.parameters)
            one = np.float64(1.0) if wide else np.float32(1.0)
            self.beta1_power = Parameter(Tensor(one), name='beta1_power', requires_grad=False)
            self.beta2_power = Parameter(Tensor(one), name='beta2_power', requires_grad=False)

    def _powers(self):
        """beta1^t and beta2^t of this step, stored back."""
        beta1_power = self.beta1_power * self.beta1
        beta2_power = self.beta2_power * self.beta2
        ops.assign(self.beta1_power, beta1_power)
        ops.assign(self.beta2_power, beta2_power)
        return beta1_power, beta2_power

    def _moments(self, i, g):
        """m = b1 m + (1 - b1) g and v = b2 v + (1 - b2) g^2, stored back."""
        m = self.moment1[i] * self.beta1 + _complement(self.beta1) * g
        v = self.moment2[i] * self.beta2 + _complement(self.beta2) * ops.square(g)
        ops.assign(self.moment1[i], m)
        ops.assign(self.moment2[i], v)
        return m, v

    def _running_max(self, i, v):
        v = ops.maximum(self.vhat[i], v)
        ops.assign(self.vhat[i], v)
        return v


class Adam(_AdamBase):
    """MindSpore's Adam (the ApplyAdam kernel, Kingma & Ba's efficient form): with L2 weight
    decay g += wd p; m, v as usual; lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);
    p -= lr_t m / (sqrt(v) + eps). use_amsgrad divides by sqrt(vhat), vhat = max(vhat, v);
    use_nesterov uses b1 m + (1 - b1) g in place of m. use_locking is accepted and ignored.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn
        >>> net = nn.Dense(3, 2)
        >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
        >>> loss_fn = nn.MSELoss()
        >>> grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(net(a), b), None, net.trainable_params())
        >>> optimizer = nn.Adam(net.trainable_params(), learning_rate=0.01)
        >>> loss, grads = grad_fn(x, y)
        >>> _ = optimizer(grads)   # one update, in place
        >>> [p.shape for p in net.trainable_params()]
        [(2, 3), (2,)]
    """

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                 use_locking=False, use_nesterov=False, weight_decay=0.0, loss_scale=1.0,
                 use_amsgrad=False):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        flag_arg('Adam', 'use_locking', use_locking)
        self.use_nesterov = flag_arg('Adam', 'use_nesterov', use_nesterov)
        self._setup(beta1, beta2, eps, use_amsgrad)

    def construct(self, gradients):
        grads = self._gradients(gradients)
        lrs = self._step_lrs()
        beta1_power, beta2_power = self._powers()
        correction = ops.sqrt(1.0 - beta2_power) / (1.0 - beta1_power)
        for i, (p, g, lr) in enumerate(zip(self.parameters, grads, lrs)):
            m, v = self._moments(i, g)
            if self.use_amsgrad:
                v = self._running_max(i, v)
            if self.use_nesterov:
                m = m * self.beta1 + _complement(self.beta1) * g
            ops.assign(p, p - lr * correction * m / (ops.sqrt(v) + self.eps))
        return True


class AdamW(_AdamBase):
    """Adam with decoupled weight decay (Loshchilov & Hutter; MindSpore's experimental AdamW),
    with nn's argument conventions: p -= lr wd p; m, v as usual; m^ = m / (1 - b1^t),
    v^ = v / (1 - b2^t); p -= lr m^ / (sqrt(v^) + eps). use_amsgrad keeps vhat = max(vhat, v^)
    and divides by its root.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn
        >>> net = nn.Dense(3, 2)
        >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
        >>> loss_fn = nn.MSELoss()
        >>> grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(net(a), b), None, net.trainable_params())
        >>> optimizer = nn.AdamW(net.trainable_params(), learning_rate=0.01)
        >>> loss, grads = grad_fn(x, y)
        >>> _ = optimizer(grads)   # one update, in place
        >>> [p.shape for p in net.trainable_params()]
        [(2, 3), (2,)]
    """
    _l2_in_gradient = False

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                 weight_decay=1e-2, use_amsgrad=False, loss_scale=1.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        self._setup(beta1, beta2, eps, use_amsgrad)

    def construct(self, gradients):
        grads = self._gradients(gradients)
        lrs = self._step_lrs()
        beta1_power, beta2_power = self._powers()
        for i, (p, g, lr, decay) in enumerate(zip(self.parameters, grads, lrs, self._decays)):
            if decay:
                p = p - lr * decay * p
            m, v = self._moments(i, g)
            m_hat = m / (1.0 - beta1_power)
            v_hat = v / (1.0 - beta2_power)
            if self.use_amsgrad:
                v_hat = self._running_max(i, v_hat)
            ops.assign(self.parameters[i], p - lr * m_hat / (ops.sqrt(v_hat) + self.eps))
        return True


class AdamWeightDecay(_AdamBase):
    """MindSpore's AdamWeightDecay: no bias correction; update = m / (sqrt(v) + eps) + wd p;
    p -= lr update. State: `adam_m.<name>`, `adam_v.<name>`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn
        >>> net = nn.Dense(3, 2)
        >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
        >>> loss_fn = nn.MSELoss()
        >>> grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(net(a), b), None, net.trainable_params())
        >>> optimizer = nn.AdamWeightDecay(net.trainable_params(), learning_rate=0.01, weight_decay=0.01)
        >>> loss, grads = grad_fn(x, y)
        >>> _ = optimizer(grads)   # one update, in place
        >>> [p.shape for p in net.trainable_params()]
        [(2, 3), (2,)]
    """
    _l2_in_gradient = False
    _moment_names = ('adam_m', 'adam_v')

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
        super().__init__(learning_rate, params, weight_decay)
        self._setup(beta1, beta2, eps, False, corrected=False)

    def construct(self, gradients):
        grads = self._gradients(gradients)
        for i, (p, g, lr, decay) in enumerate(zip(self.parameters, grads, self._step_lrs(), self._decays)):
            m, v = self._moments(i, g)
            update = m / (ops.sqrt(v) + self.eps)
            if decay:
                update = update + decay * p
            ops.assign(p, p - lr * update)
        return True


# ---------------------------------------------------------------- RMSProp and Adagrad
class RMSProp(Optimizer):
    """MindSpore's RMSProp (ApplyRMSProp / ApplyCenteredRMSProp): s = d s + (1 - d) g^2;
    centered: gm = d gm + (1 - d) g and the denominator is sqrt(s - gm^2 + eps), else
    sqrt(s + eps); mom = u mom + lr g / denominator; p -= mom. State: `mean_square.<name>`
    (starts at 1, as in MindSpore), `moment.<name>`, `mean_grad.<name>` when centered.
    `rho` is accepted as another name for `decay`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn
        >>> net = nn.Dense(3, 2)
        >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
        >>> loss_fn = nn.MSELoss()
        >>> grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(net(a), b), None, net.trainable_params())
        >>> optimizer = nn.RMSProp(net.trainable_params(), learning_rate=0.01)
        >>> loss, grads = grad_fn(x, y)
        >>> _ = optimizer(grads)   # one update, in place
        >>> [p.shape for p in net.trainable_params()]
        [(2, 3), (2,)]
    """

    def __init__(self, params, learning_rate=0.1, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, loss_scale=1.0, weight_decay=0.0, *, rho=None):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        if rho is not None and decay != 0.9:
            raise TypeError("RMSProp: give 'decay' or its other name 'rho', not both")
        self.decay = number_arg('RMSProp', 'rho' if rho is not None else 'decay', decay if rho is None else rho)
        self.momentum = number_arg('RMSProp', 'momentum', momentum)
        self.epsilon = number_arg('RMSProp', 'epsilon', epsilon, strict=True)
        flag_arg('RMSProp', 'use_locking', use_locking)
        self.centered = flag_arg('RMSProp', 'centered', centered)
        self.mean_square = self._clone('mean_square', 1.0)
        self.moment = self._clone('moment', 0.0)
        if self.centered:
            self.mean_grad = self._clone('mean_grad', 0.0)

    def construct(self, gradients):
        grads = self._gradients(gradients)
        d = self.decay
        for i, (p, g, lr) in enumerate(zip(self.parameters, grads, self._step_lrs())):
            s = self.mean_square[i] * d + _complement(d) * ops.square(g)
            ops.assign(self.mean_square[i], s)
            if self.centered:
                gm = self.mean_grad[i] * d + _complement(d) * g
                ops.assign(self.mean_grad[i], gm)
                s = s - ops.square(gm)
            mom = self.moment[i] * self.momentum + lr * g / ops.sqrt(s + self.epsilon)
            ops.assign(self.moment[i], mom)
            ops.assign(p, p - mom)
        return True


class Adagrad(Optimizer):
    """MindSpore's Adagrad (the ApplyAdagrad kernel): with update_slots, h += g^2; then
    p -= lr g / sqrt(h). No epsilon, as in the kernel: `accum` (h's start, default 0.1) keeps the
    root positive. State: `accum.<name>`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn
        >>> net = nn.Dense(3, 2)
        >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
        >>> loss_fn = nn.MSELoss()
        >>> grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(net(a), b), None, net.trainable_params())
        >>> optimizer = nn.Adagrad(net.trainable_params(), learning_rate=0.1)
        >>> loss, grads = grad_fn(x, y)
        >>> _ = optimizer(grads)   # one update, in place
        >>> [p.shape for p in net.trainable_params()]
        [(2, 3), (2,)]
    """

    def __init__(self, params, accum=0.1, learning_rate=0.001, update_slots=True, loss_scale=1.0,
                 weight_decay=0.0):
        super().__init__(learning_rate, params, weight_decay, loss_scale)
        self.update_slots = flag_arg('Adagrad', 'update_slots', update_slots)
        self.accum = self._clone('accum', number_arg('Adagrad', 'accum', accum))

    def construct(self, gradients):
        grads = self._gradients(gradients)
        for p, g, lr, h in zip(self.parameters, grads, self._step_lrs(), self.accum):
            if self.update_slots:
                new_h = h + ops.square(g)
                ops.assign(h, new_h)
                h = new_h
            ops.assign(p, p - lr * g / ops.sqrt(h))
        return True
