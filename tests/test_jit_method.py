"""`@jit` on a method, as MindSpore's static-graph tutorial puts `@ms.jit` on `construct`: the
instance is bound, each instance keeps its own compilations, and the Cell still differentiates."""
import numpy as np

import autograph
from autograph import Parameter, Tensor, nn, ops


class Scale(nn.Cell):
    def __init__(self, k):
        super().__init__()
        self.w = Parameter(Tensor(np.full(3, k, np.float32)), name='w')

    @autograph.jit
    def construct(self, x):
        return ops.relu(x * self.w)


def test_jit_on_construct_binds_the_instance():
    x = Tensor(np.array([1.0, -2.0, 3.0], np.float32))
    a, b = Scale(2.0), Scale(3.0)
    np.testing.assert_allclose(a(x).asnumpy(), [2, 0, 6])
    np.testing.assert_allclose(b(x).asnumpy(), [3, 0, 9])
    a(x)
    assert a.construct is a.construct                       # one jit per instance
    assert a.construct.cache_info().hits == 1 and a.construct.cache_info().entries == 1
    assert isinstance(Scale.__dict__['construct'], autograph.api.Jitted)
    assert 'def construct(' in autograph.get_source(a.construct)


def test_a_cell_with_a_jitted_construct_differentiates():
    net = Scale(2.0)
    x = Tensor(np.array([1.0, -2.0, 3.0], np.float32))
    dx = autograph.grad(lambda v: net(v).sum())(x)
    np.testing.assert_allclose(dx.asnumpy(), [2, 0, 2])
    dw = autograph.grad(lambda v: net(v).sum(), None, weights=net.w)(x)
    np.testing.assert_allclose(dw.asnumpy(), [1, 0, 3])
