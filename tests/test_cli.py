"""The command line: `autograph show` prints the generated code of a function or Cell in a file,
`autograph export` writes a gradient as a module that runs with NumPy alone."""
import os
import pathlib
import subprocess
import sys

import numpy as np

import autograph
from autograph.cli import highlight, main
from tests.tutorial import b, function, w, x, y

TUTORIAL = str(pathlib.Path(__file__).resolve().parents[1] / 'examples' / 'autodiff_tutorial.py')


def test_show_prints_forward_ir_and_gradient(capsys):
    assert main(['show', f'{TUTORIAL}:function', '--grad', '2,3', '--ir']) == 0
    out = capsys.readouterr().out
    assert '# IR of the forward' in out and 'matmul(x, w)' in out
    assert 'def function(x, y, w, b):' in out
    assert 'def function_value_and_grad(x, y, w, b):' in out and 'return (loss, (dw, dz))' in out


def test_show_a_cell_with_its_weights(capsys):
    assert main(['show', f'{TUTORIAL}:model', '--weights']) == 0
    out = capsys.readouterr().out
    assert 'def network(x, w, b):' in out and 'return (z, (dw, dz))' in out


def test_export_runs_without_autograph(tmp_path):
    out_file = tmp_path / 'function_grad.py'
    assert main(['export', f'{TUTORIAL}:function', '--grad', '2,3', '-o', str(out_file)]) == 0
    source = out_file.read_text()
    assert 'runtime' not in source and 'autograph' not in source.split('\n', 1)[1]
    script = (
        "import sys; sys.modules['autograph'] = None; sys.modules['runtime'] = None\n"
        "import numpy as np, importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('exported', {str(out_file)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "args = [np.load(sys.argv[i]) for i in range(1, 5)]\n"
        "loss, (dw, db) = m.function_value_and_grad(*args)\n"
        "np.save(sys.argv[5], dw); np.save(sys.argv[6], db)\n")
    paths = []
    for name, value in zip('xywb', (x, y, w, b)):
        paths.append(tmp_path / f'{name}.npy')
        np.save(paths[-1], value.asnumpy())
    outputs = [tmp_path / 'dw.npy', tmp_path / 'db.npy']
    subprocess.run([sys.executable, '-c', script, *map(str, paths + outputs)], check=True,
                   env={**os.environ, 'PYTHONPATH': ''})
    dw, db = autograph.grad(function, (2, 3))(x, y, w, b)
    np.testing.assert_array_equal(np.load(outputs[0]), dw.asnumpy())
    np.testing.assert_array_equal(np.load(outputs[1]), db.asnumpy())


def test_bad_target_is_a_clear_error(capsys):
    import pytest
    with pytest.raises(SystemExit):
        main(['show', f'{TUTORIAL}:no_such_function'])
    assert 'defines no' in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command():
    result = subprocess.run([sys.executable, '-m', 'autograph', 'show', f'{TUTORIAL}:function'],
                            capture_output=True, text=True, check=True)
    assert 'def function(x, y, w, b):' in result.stdout


def test_highlighting_colours_keywords_and_keeps_the_text():
    coloured = highlight('def f(x):\n    return x  # done\n')
    assert '\033[35mdef\033[0m' in coloured and '\033[90m# done\033[0m' in coloured
    assert coloured.replace('\033[35m', '').replace('\033[34m', '').replace('\033[90m', '') \
        .replace('\033[0m', '') == 'def f(x):\n    return x  # done\n'
