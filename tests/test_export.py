"""autograph.export.standalone: an exported module runs with NumPy alone, including the kernels
it inlines and the standard modules those kernels read."""
import numpy as np

import autograph
from autograph import nn, ops
from autograph.export import standalone
from tests.codegen.checks import check_source


def test_an_exported_dropout_gradient_imports_what_its_kernels_read():
    net = nn.Dropout(p=0.5)
    net.set_train(True)

    def loss(x):
        return ops.sum(net(x) * x)
    grad_fn = autograph.grad(loss)
    x = np.linspace(0.5, 2.0, 64)
    grad_fn(x)
    generated = grad_fn.last.generated
    exported = standalone(generated.source, generated.namespace)
    check_source(exported, function=generated.name)
    assert 'import threading\n' in exported and 'from runtime' not in exported
    namespace = {}
    exec(compile(exported, '<exported>', 'exec'), namespace)
    dx = namespace[generated.name](x)
    kept = dx != 0       # each element is dropped, or kept and scaled by 1 / (1 - p)
    np.testing.assert_allclose(dx[kept], 4 * x[kept])
    assert 0 < kept.sum() < x.size
