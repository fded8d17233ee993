"""Learning-rate schedules, with MindSpore's names: the Cells `ExponentialDecayLR`,
`InverseDecayLR`, `CosineDecayLR`, `PolynomialDecayLR`, `WarmUpLR` (a `LearningRateSchedule`
maps the optimizer's `global_step` to a learning rate with ops, so it runs eagerly and inside
compiled code), and the list builders `piecewise_constant_lr`, `exponential_decay_lr`,
`inverse_decay_lr`, `cosine_decay_lr`, `polynomial_decay_lr`, `warmup_lr` (one value per step,
given to an optimizer as its `learning_rate`). Also the argument checks the optimizers share."""
import math

import numpy as np

from runtime import dtypes, ops
from ..cell import Cell


# ---------------------------------------------------------------- argument checks
def number_arg(owner, name, value, low=0.0, strict=False, below=None, kind=float):
    """`value` as a float (or int), checked against `low` (`strict`: excluded) and `below`."""
    ok_types = (int, np.integer) if kind is int else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, ok_types):
        raise TypeError(f"{owner}: '{name}' must be {'an int' if kind is int else 'a float'}, "
                        f"got {type(value).__name__}")
    value = kind(value)
    if value < low or (strict and value == low) or (below is not None and value >= below):
        bound = (f"in ({low}, {below})" if below is not None else
                 f"{'>' if strict else '>='} {low}")
        raise ValueError(f"{owner}: '{name}' must be {bound}, got {value}")
    return value


def flag_arg(owner, name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: '{name}' must be a bool, got {type(value).__name__}")
    return bool(value)


class LearningRateSchedule(Cell):
    """Base of the schedules: `construct(global_step)` returns the learning rate of that step,
    computed with ops (the optimizer passes its `global_step` Parameter, int32 of shape (1,)).

    Example:
        >>> from autograph import nn
        >>> isinstance(nn.WarmUpLR(0.1, 4), nn.LearningRateSchedule)
        True
    """

    def construct(self, global_step):
        raise NotImplementedError(f"{type(self).__name__} must define construct(global_step)")


# ---------------------------------------------------------------- schedules as Cells
def _decay_args(owner, learning_rate, decay_rate, decay_steps, is_stair):
    return (number_arg(owner, 'learning_rate', learning_rate, strict=True),
            number_arg(owner, 'decay_rate', decay_rate, strict=True),
            number_arg(owner, 'decay_steps', decay_steps, low=1, kind=int), flag_arg(owner, 'is_stair', is_stair))


def _float_step(global_step):
    return ops.cast(global_step, dtypes.float32)


class ExponentialDecayLR(LearningRateSchedule):
    """lr * decay_rate ** p, p = step / decay_steps (floored with is_stair).

    Example:
        >>> from autograph import nn, Tensor
        >>> import numpy as np
        >>> schedule = nn.ExponentialDecayLR(0.1, 0.9, 1)
        >>> print(round(float(schedule(Tensor(np.array([2], np.int32))).asnumpy().item()), 4))
        0.081
    """

    def __init__(self, learning_rate, decay_rate, decay_steps, is_stair=False):
        super().__init__()
        self.learning_rate, self.decay_rate, self.decay_steps, self.is_stair = \
            _decay_args('ExponentialDecayLR', learning_rate, decay_rate, decay_steps, is_stair)

    def construct(self, global_step):
        p = _float_step(global_step) / self.decay_steps
        if self.is_stair:
            p = ops.floor(p)
        return self.learning_rate * ops.pow(self.decay_rate, p)


class InverseDecayLR(LearningRateSchedule):
    """lr / (1 + decay_rate * p), p = step / decay_steps (floored with is_stair).

    Example:
        >>> from autograph import nn, Tensor
        >>> import numpy as np
        >>> schedule = nn.InverseDecayLR(0.1, 0.5, 1)
        >>> print(round(float(schedule(Tensor(np.array([2], np.int32))).asnumpy().item()), 4))
        0.05
    """

    def __init__(self, learning_rate, decay_rate, decay_steps, is_stair=False):
        super().__init__()
        self.learning_rate, self.decay_rate, self.decay_steps, self.is_stair = \
            _decay_args('InverseDecayLR', learning_rate, decay_rate, decay_steps, is_stair)

    def construct(self, global_step):
        p = _float_step(global_step) / self.decay_steps
        if self.is_stair:
            p = ops.floor(p)
        return self.learning_rate / (1.0 + self.decay_rate * p)


class CosineDecayLR(LearningRateSchedule):
    """min_lr + (max_lr - min_lr) / 2 * (1 + cos(pi * min(step, decay_steps) / decay_steps)).

    Example:
        >>> from autograph import nn, Tensor
        >>> import numpy as np
        >>> schedule = nn.CosineDecayLR(0.01, 0.1, 4)
        >>> print(round(float(schedule(Tensor(np.array([2], np.int32))).asnumpy().item()), 4))
        0.055
    """

    def __init__(self, min_lr, max_lr, decay_steps):
        super().__init__()
        self.min_lr = number_arg('CosineDecayLR', 'min_lr', min_lr)
        self.max_lr = number_arg('CosineDecayLR', 'max_lr', max_lr, strict=True)
        self.decay_steps = number_arg('CosineDecayLR', 'decay_steps', decay_steps, low=1, kind=int)
        if self.min_lr >= self.max_lr:
            raise ValueError(f"CosineDecayLR: 'max_lr' must be greater than 'min_lr', got "
                             f"max_lr={self.max_lr}, min_lr={self.min_lr}")

    def construct(self, global_step):
        p = _float_step(ops.minimum(global_step, self.decay_steps)) / self.decay_steps
        return self.min_lr + 0.5 * (self.max_lr - self.min_lr) * (1.0 + ops.cos(math.pi * p))


class PolynomialDecayLR(LearningRateSchedule):
    """(lr - end_lr) * (1 - t / T) ** power + end_lr with t = min(step, decay_steps) and
    T = decay_steps; with update_decay_steps, t = step and T = decay_steps * max(ceil(step /
    decay_steps), 1).

    Example:
        >>> from autograph import nn, Tensor
        >>> import numpy as np
        >>> schedule = nn.PolynomialDecayLR(0.1, 0.01, 4, 1.0)
        >>> print(round(float(schedule(Tensor(np.array([2], np.int32))).asnumpy().item()), 4))
        0.055
    """

    def __init__(self, learning_rate, end_learning_rate, decay_steps, power, update_decay_steps=False):
        super().__init__()
        owner = 'PolynomialDecayLR'
        self.learning_rate = number_arg(owner, 'learning_rate', learning_rate, strict=True)
        self.end_learning_rate = number_arg(owner, 'end_learning_rate', end_learning_rate)
        self.decay_steps = number_arg(owner, 'decay_steps', decay_steps, low=1, kind=int)
        self.power = number_arg(owner, 'power', power, strict=True)
        self.update_decay_steps = flag_arg(owner, 'update_decay_steps', update_decay_steps)

    def construct(self, global_step):
        step = _float_step(global_step)
        if self.update_decay_steps:
            total = self.decay_steps * ops.maximum(ops.ceil(step / self.decay_steps), 1.0)
        else:
            step, total = ops.minimum(step, float(self.decay_steps)), self.decay_steps
        diff = self.learning_rate - self.end_learning_rate
        return diff * ops.pow(1.0 - step / total, self.power) + self.end_learning_rate


class WarmUpLR(LearningRateSchedule):
    """lr * min(step, warmup_steps) / warmup_steps.

    Example:
        >>> from autograph import nn, Tensor
        >>> import numpy as np
        >>> schedule = nn.WarmUpLR(0.1, 4)
        >>> print(round(float(schedule(Tensor(np.array([2], np.int32))).asnumpy().item()), 4))
        0.05
    """

    def __init__(self, learning_rate, warmup_steps):
        super().__init__()
        self.learning_rate = number_arg('WarmUpLR', 'learning_rate', learning_rate)
        self.warmup_steps = number_arg('WarmUpLR', 'warmup_steps', warmup_steps, low=1, kind=int)

    def construct(self, global_step):
        return self.learning_rate * _float_step(ops.minimum(global_step, self.warmup_steps)) / self.warmup_steps


# ---------------------------------------------------------------- schedules as lists
def piecewise_constant_lr(milestone, learning_rates):
    """learning_rates[k] for the steps in [milestone[k-1], milestone[k]); milestone[-1] values.

    Example:
        >>> from autograph import nn
        >>> nn.piecewise_constant_lr([2, 4], [0.1, 0.01])
        [0.1, 0.1, 0.01, 0.01]
    """
    if not isinstance(milestone, (list, tuple)) or not isinstance(learning_rates, (list, tuple)):
        raise TypeError("piecewise_constant_lr: 'milestone' and 'learning_rates' must be lists")
    if len(milestone) != len(learning_rates):
        raise ValueError(f"piecewise_constant_lr: 'milestone' has {len(milestone)} items but "
                         f"'learning_rates' has {len(learning_rates)}")
    lr, last = [], 0
    for i, (end, rate) in enumerate(zip(milestone, learning_rates)):
        end = number_arg('piecewise_constant_lr', f'milestone[{i}]', end, low=1, kind=int)
        if end < last:
            raise ValueError(f"piecewise_constant_lr: 'milestone' must increase, got {milestone}")
        lr += [number_arg('piecewise_constant_lr', f'learning_rates[{i}]', rate)] * (end - last)
        last = end
    return lr


def _epochs(owner, total_step, step_per_epoch, decay_epoch, name='decay_epoch'):
    """floor(i / step_per_epoch) for each step i, after checking the three counts."""
    total = number_arg(owner, 'total_step', total_step, low=1, kind=int)
    per = number_arg(owner, 'step_per_epoch', step_per_epoch, low=1, kind=int)
    number_arg(owner, name, decay_epoch, low=1, kind=int)
    return [i // per for i in range(total)]


def _decay_list_args(owner, learning_rate, decay_rate, is_stair):
    number_arg(owner, 'learning_rate', learning_rate, strict=True)
    number_arg(owner, 'decay_rate', decay_rate, strict=True)
    return flag_arg(owner, 'is_stair', is_stair)


def exponential_decay_lr(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch, is_stair=False):
    """lr * decay_rate ** (epoch / decay_epoch) per step (the ratio floored with is_stair).

    Example:
        >>> from autograph import nn
        >>> [round(v, 4) for v in nn.exponential_decay_lr(0.1, 0.9, 4, 2, 1)]
        [0.1, 0.1, 0.09, 0.09]
    """
    stair = _decay_list_args('exponential_decay_lr', learning_rate, decay_rate, is_stair)
    epochs = _epochs('exponential_decay_lr', total_step, step_per_epoch, decay_epoch)
    return [learning_rate * decay_rate ** (e // decay_epoch if stair else e / decay_epoch) for e in epochs]


def inverse_decay_lr(learning_rate, decay_rate, total_step, step_per_epoch, decay_epoch, is_stair=False):
    """lr / (1 + decay_rate * epoch / decay_epoch) per step (the ratio floored with is_stair).

    Example:
        >>> from autograph import nn
        >>> [round(v, 4) for v in nn.inverse_decay_lr(0.1, 0.5, 4, 2, 1)]
        [0.1, 0.1, 0.0667, 0.0667]
    """
    stair = _decay_list_args('inverse_decay_lr', learning_rate, decay_rate, is_stair)
    epochs = _epochs('inverse_decay_lr', total_step, step_per_epoch, decay_epoch)
    return [learning_rate / (1 + decay_rate * (e // decay_epoch if stair else e / decay_epoch)) for e in epochs]


def cosine_decay_lr(min_lr, max_lr, total_step, step_per_epoch, decay_epoch):
    """min_lr + (max_lr - min_lr) / 2 * (1 + cos(pi * min(epoch, decay_epoch) / decay_epoch)).

    Example:
        >>> from autograph import nn
        >>> [round(v, 4) for v in nn.cosine_decay_lr(0.01, 0.1, 4, 2, 2)]
        [0.1, 0.1, 0.055, 0.055]
    """
    number_arg('cosine_decay_lr', 'min_lr', min_lr)
    number_arg('cosine_decay_lr', 'max_lr', max_lr, strict=True)
    if min_lr >= max_lr:
        raise ValueError(f"cosine_decay_lr: 'max_lr' must be greater than 'min_lr', got {max_lr} <= {min_lr}")
    epochs = _epochs('cosine_decay_lr', total_step, step_per_epoch, decay_epoch)
    delta = 0.5 * (max_lr - min_lr)
    return [min_lr + delta * (1 + math.cos(math.pi * min(e, decay_epoch) / decay_epoch)) for e in epochs]


def polynomial_decay_lr(learning_rate, end_learning_rate, total_step, step_per_epoch, decay_epoch, power,
                        update_decay_epoch=False):
    """(lr - end_lr) * (1 - t / T) ** power + end_lr per step, t = min(epoch, decay_epoch) and
    T = decay_epoch; with update_decay_epoch, t = epoch and T = decay_epoch * max(ceil(epoch /
    decay_epoch), 1).

    Example:
        >>> from autograph import nn
        >>> [round(v, 4) for v in nn.polynomial_decay_lr(0.1, 0.01, 4, 2, 2, 1.0)]
        [0.1, 0.1, 0.055, 0.055]
    """
    owner = 'polynomial_decay_lr'
    number_arg(owner, 'learning_rate', learning_rate, strict=True)
    number_arg(owner, 'end_learning_rate', end_learning_rate)
    number_arg(owner, 'power', power, strict=True)
    update = flag_arg(owner, 'update_decay_epoch', update_decay_epoch)
    lr = []
    for e in _epochs(owner, total_step, step_per_epoch, decay_epoch):
        if update:
            t, total = e, decay_epoch * max(math.ceil(e / decay_epoch), 1)
        else:
            t, total = min(e, decay_epoch), decay_epoch
        lr.append((learning_rate - end_learning_rate) * (1 - t / total) ** power + end_learning_rate)
    return lr


def warmup_lr(learning_rate, total_step, step_per_epoch, warmup_epoch):
    """lr * min(epoch, warmup_epoch) / warmup_epoch per step.

    Example:
        >>> from autograph import nn
        >>> [round(v, 4) for v in nn.warmup_lr(0.1, 4, 2, 2)]
        [0.0, 0.0, 0.05, 0.05]
    """
    number_arg('warmup_lr', 'learning_rate', learning_rate)
    epochs = _epochs('warmup_lr', total_step, step_per_epoch, warmup_epoch, 'warmup_epoch')
    return [learning_rate * min(e, warmup_epoch) / warmup_epoch for e in epochs]
