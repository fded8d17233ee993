"""Losses and other neural-network functions, written as compositions of ops (their gradients
come from their parts)."""
from .math import softplus
from .reduce import mean, sum


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
    w [(1 - y) x + (1 + (p - 1) y) softplus(-x)]."""
    log_term = softplus(-input)
    if pos_weight is not None:
        log_term = (1 + (pos_weight - 1) * target) * log_term
    loss = (1 - target) * input + log_term
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)
