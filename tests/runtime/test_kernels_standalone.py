"""Generated code imports `runtime.kernels`, and that needs only NumPy: running a generated module
loads no other part of the runtime (nor autograph)."""
import subprocess
import sys
import textwrap

import numpy as np

import autograph
from autograph import ops

_LOADED = "import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('runtime', 'autograph')))"


def _loaded_after(code, cwd=None):
    out = subprocess.run([sys.executable, '-c', code + '\n' + _LOADED], capture_output=True, text=True,
                         check=True, cwd=cwd)
    return eval(out.stdout.strip().splitlines()[-1])


def _only_kernels(modules):
    return [m for m in modules if m != 'runtime' and not m.startswith('runtime.kernels')]


def test_importing_the_kernels_loads_nothing_else_of_the_runtime():
    assert _only_kernels(_loaded_after('import runtime.kernels')) == []


def test_a_generated_module_runs_on_the_kernels_alone(tmp_path):
    def loss(x, w):
        return ops.sum(ops.sigmoid(x @ w) * ops.gelu(w.sum()))

    x, w = np.linspace(-1, 1, 6).reshape(2, 3), np.linspace(0.5, -0.5, 3)
    grad = autograph.grad(loss, (0, 1))
    expected = grad(x, w)
    source = autograph.get_source(grad)
    assert 'from runtime.kernels import' in source
    (tmp_path / 'generated.py').write_text(source)
    run = textwrap.dedent(f'''
        import numpy as np, generated
        x, w = np.linspace(-1, 1, 6).reshape(2, 3), np.linspace(0.5, -0.5, 3)
        dx, dw = generated.{grad.last.generated.name}(x, w)
        assert np.allclose(dx, {expected[0].tolist()!r}) and np.allclose(dw, {expected[1].tolist()!r})
    ''')
    assert _only_kernels(_loaded_after(run, cwd=tmp_path)) == []
