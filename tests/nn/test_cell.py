"""nn.Cell containers hold what MindSpore's hold, and refuse what MindSpore refuses: nothing a
user passes may vanish."""
from collections import OrderedDict

import numpy as np
import pytest

import autograph
from autograph import Tensor, nn, ops


def test_a_function_in_a_sequential_cell_is_a_type_error():
    with pytest.raises(TypeError, match=r"item 1 is the function relu .*nn\.ReLU\(\)"):
        nn.SequentialCell(nn.Dense(2, 3), ops.relu, nn.Dense(3, 1))
    with pytest.raises(TypeError, match='item 0 is a tuple'):
        nn.SequentialCell((nn.Dense(2, 3), nn.ReLU()))
    with pytest.raises(TypeError, match="item 'act' is a int"):
        nn.SequentialCell(OrderedDict(fc=nn.Dense(2, 3), act=3))


def test_an_ordered_dict_names_the_cells_and_their_parameters():
    net = nn.SequentialCell(OrderedDict([('fc1', nn.Dense(2, 3)), ('act', nn.ReLU()), ('fc2', nn.Dense(3, 1))]))
    assert [name for name, _ in net.parameters_and_names()] == ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    x = Tensor(np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32))
    want = np.maximum(x.asnumpy() @ net.fc1.weight.asnumpy().T + net.fc1.bias.asnumpy(), 0)
    want = want @ net.fc2.weight.asnumpy().T + net.fc2.bias.asnumpy()
    np.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-6)
    np.testing.assert_allclose(autograph.jit(net)(x).asnumpy(), want, rtol=1e-6)


def test_append_and_a_list_of_cells():
    net = nn.SequentialCell([nn.Dense(2, 3)])
    net.append(nn.ReLU())
    assert len(net) == 2 and isinstance(net[1], nn.ReLU)
    assert [name for name, _ in net.parameters_and_names()] == ['0.weight', '0.bias']
    with pytest.raises(TypeError, match='item 2 is the function relu'):
        net.append(ops.relu)
