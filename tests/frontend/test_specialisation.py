"""What a compilation depends on besides its arguments' shapes: keyword arguments, Python values
read from objects and globals (guards), and Cell containers."""
import numpy as np

import autograph
from autograph import nn, ops

SCALE = 2.0


class Scaled(nn.Cell):
    def __init__(self):
        super().__init__()
        self.factor = 0.5
        self.blocks = nn.CellList([nn.Dense(2, 2, weight_init=0.5), nn.Dense(2, 2, weight_init=-0.25)])

    def construct(self, x):
        for block in self.blocks:
            x = ops.tanh(block(x))
        if self.training:
            return ops.sum(x * self.factor * SCALE)
        return ops.sum(x * SCALE)


def eager(net, x):
    h = x
    for w, b in ((0.5, net.blocks[0].bias.asnumpy()), (-0.25, net.blocks[1].bias.asnumpy())):
        h = np.tanh(h @ np.full((2, 2), w).T + b)
    return h.sum() * (net.factor if net.training else 1.0) * SCALE


def test_changing_a_flag_or_a_global_recompiles_with_the_reason(caplog):
    global SCALE
    import logging
    net = Scaled()
    f = autograph.jit(net)
    x = np.array([0.3, -0.7])
    with caplog.at_level(logging.INFO, logger='autograph'):
        np.testing.assert_allclose(f(x).asnumpy(), eager(net, x), rtol=1e-6)
        net.set_train(True)
        np.testing.assert_allclose(f(x).asnumpy(), eager(net, x), rtol=1e-6)
        SCALE = 3.0
        try:
            np.testing.assert_allclose(f(x).asnumpy(), eager(net, x), rtol=1e-6)
        finally:
            SCALE = 2.0
    messages = [r.getMessage() for r in caplog.records]
    assert any('.training changed from False to True' in m for m in messages)
    assert any('global SCALE changed from 2.0 to 3.0' in m for m in messages)
    assert f.cache_info().misses == 3


def test_cell_list_names_parameters_by_position():
    net = Scaled()
    assert [name for name, _ in net.parameters_and_names()] == [
        'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']


def keyword_only(x, *, scale=1.0, **extra):
    return ops.sum(x * scale * extra.get('bias', 1.0))


def test_keyword_only_and_extra_keyword_arguments():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(autograph.jit(keyword_only)(x, scale=3.0, bias=2.0), 18.0)
    np.testing.assert_allclose(autograph.grad(keyword_only)(x, scale=3.0, bias=2.0), [6.0, 6.0])


def loop_else(x, n):
    h = x
    for t in range(n):
        h = h * 1.5
        if ops.sum(h) > 10:
            break
    else:
        h = -h
    return ops.sum(h)


def test_for_else_over_run_time_values_runs_when_no_break():
    x = np.array([0.1, 0.1])
    np.testing.assert_allclose(autograph.jit(loop_else)(x, 3), -0.675)      # no break: else ran
    np.testing.assert_allclose(autograph.jit(loop_else)(np.array([1.0, 2.0]), 20), 10.125)
    np.testing.assert_allclose(autograph.grad(loop_else)(x, 3), [-3.375, -3.375])
