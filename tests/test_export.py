"""autograph.export.standalone: an exported module runs with NumPy alone, including the kernels
it inlines and the standard modules those kernels read; standalone_array_api's module checks the
shapes and dtypes of any namespace's arrays."""
import numpy as np
import pytest

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


def test_an_array_api_module_checks_the_arrays_of_any_namespace():
    """standalone_array_api with shapes: the header and SHAPES table, and a check that reads any
    namespace's arrays (the dtype by its name: array_api_strict.float32 is float32) before xp is
    bound; Python numbers pass for 0-d arrays of their dtype, and weak floats are not checked."""
    from autograph.codegen.array_api import header
    from autograph.export import standalone_array_api
    source = f'{header()}\n\n\ndef scaled(x, s, k):\n    return xp.sum(x * s, axis=0) + k\n'
    shapes = [('x', 'float32', ('n', 3)), ('s', 'float32', ()), ('k', 'float', ())]
    text = standalone_array_api(source, {}, 'scaled', shapes)
    check_source(text, function='scaled')
    assert '#   x: float32[n, 3]\n#   s: float32[]\n#   k: float\n' in text
    assert "    check_shapes('scaled', {'x': x, 's': s, 'k': k})\n    xp = namespace_of(x, s, k)\n" in text
    namespace = {}
    exec(compile(text, '<exported>', 'exec'), namespace)
    scaled = namespace['scaled']
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_array_equal(scaled(x, np.float32(2), 1.0), [37, 45, 53])
    with pytest.raises(ValueError, match=r'^scaled: x must be float32\[n, 3\], got float32\[4, 2\]$'):
        scaled(x[:, :2], np.float32(2), 1.0)
    with pytest.raises(ValueError, match=r'^scaled: s must be float32\[\], got float64\[\]$'):
        scaled(x, 2.0, 1.0)
    xps = pytest.importorskip('array_api_strict')
    got = scaled(xps.asarray(x), xps.asarray(2, dtype=xps.float32), 1.0)
    assert isinstance(got, type(xps.asarray(0.0)))
    np.testing.assert_array_equal(np.from_dlpack(got), [37, 45, 53])
    with pytest.raises(ValueError, match=r'^scaled: x must be float32\[n, 3\], got float64\[4, 3\]$'):
        scaled(xps.asarray(x, dtype=xps.float64), xps.asarray(2, dtype=xps.float32), 1.0)
    with pytest.raises(ValueError, match=r'x must be float32\[n, 3\], got int64\[4, 3\]'):
        scaled(xps.asarray(x.astype(np.int64)), xps.asarray(2, dtype=xps.float32), 1.0)
