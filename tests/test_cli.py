"""The command line: `autograph show` prints the generated code of a function or Cell in a file,
`autograph export` writes a gradient as a module that runs with NumPy alone."""
import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

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


def test_an_array_api_export_with_dynamic_dims_states_and_checks_its_shapes(tmp_path):
    out_file = tmp_path / 'function_xp.py'
    assert main(['export', f'{TUTORIAL}:function', '--grad', '2,3', '--array-api', '--dynamic-dim', 'x:0',
                 '--dynamic-dim', 'w:0', '--args', 'x.asnumpy(), y.asnumpy(), w.asnumpy(), b.asnumpy()',
                 '-o', str(out_file)]) == 0
    source = out_file.read_text()
    assert '#   x: float32[n]\n#   y: float32[3]\n#   w: float32[n, 3]\n#   b: float32[3]\n' in source
    assert 'n is any size' in source and '    n = x.shape[0]\n' in source and 'xp = namespace_of(' in source
    spec = importlib.util.spec_from_file_location('function_xp', out_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(3)
    for n in (1, 5, 9):
        args = [rng.standard_normal(n).astype(np.float32), y.asnumpy(),
                rng.standard_normal((n, 3)).astype(np.float32), b.asnumpy()]
        loss, grads = module.function_value_and_grad(*args)
        want_loss, want = autograph.value_and_grad(function, (2, 3))(*args)
        np.testing.assert_allclose(loss, want_loss, rtol=1e-6)
        for got, expected in zip(grads, want):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match=r'^function_value_and_grad: w must be float32\[n, 3\], got float32\[4, 3\] '
                                         r'\(n is 9, the size of x.shape\[0\]\)$'):
        module.function_value_and_grad(args[0], args[1], args[2][:4], args[3])
    with pytest.raises(ValueError, match=r'y must be float32\[3\], got float64\[3\]'):
        module.function_value_and_grad(args[0], args[1].astype(np.float64), args[2], args[3])


def test_bad_target_is_a_clear_error(capsys):
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


# ---------------------------------------------------------------- user mistakes
# Each prints one message on stderr, starting 'autograph: ', and exits with status 2: never a
# traceback.
USER_FILE = """\
import numpy as np
from autograph import Tensor

x = Tensor(np.ones(3))
count = 3


def square_sum(x):
    return (x * x).sum()


def uses_try(x):
    try:
        y = x * 2
    except ValueError:
        y = x
    return y
"""


@pytest.fixture
def user_file(tmp_path):
    path = tmp_path / 'model.py'
    path.write_text(USER_FILE)
    (tmp_path / 'broken.py').write_text('import numpy as np\nraise ValueError("no data here")\n')
    (tmp_path / 'typo.py').write_text('def f(x:\n    return x\n')
    return path


MISTAKES = {
    'grad_not_a_number': (['show', '{file}:square_sum', '--grad', 'x'], ['--grad', "'x'", 'positions']),
    'grad_past_the_arguments': (['show', '{file}:square_sum', '--grad', '7'],
                                ['square_sum takes 1 argument', 'no position 7']),
    'grad_negative': (['show', '{file}:square_sum', '--grad', '-1'], ['no position -1']),
    'missing_file': (['show', '{dir}/nowhere.py:f'], ['no file', 'nowhere.py']),
    'directory_as_file': (['show', '{dir}:square_sum'], ['is not a file']),
    'no_name': (['show', 'model.py'], ['expected FILE.py:NAME']),
    'missing_name': (['show', '{file}:cube_sum'], ['defines no', "'cube_sum'"]),
    'name_not_a_function': (['show', '{file}:count'], ['count', 'an int', 'not a function']),
    'args_undefined_name': (['show', '{file}:square_sum', '--args', 'nope'],
                            ['--args', 'NameError', 'nope']),
    'args_bad_syntax': (['show', '{file}:square_sum', '--args', '(('], ['--args', 'SyntaxError']),
    'args_too_many': (['show', '{file}:square_sum', '--args', '1, 2'], ['square_sum', 'too many']),
    'file_that_raises': (['show', '{dir}/broken.py:f'], ['running', 'broken.py', 'ValueError: no data here']),
    'file_with_a_syntax_error': (['show', '{dir}/typo.py:f'], ['typo.py', 'not valid Python']),
    'output_is_a_directory': (['export', '{file}:square_sum', '-o', '{dir}'], ['cannot write', 'Is a directory']),
    'output_in_a_missing_directory': (['export', '{file}:square_sum', '-o', '/nonexistent/dir/out.py'],
                                      ['cannot write /nonexistent/dir/out.py', 'No such file']),
}


def _argv(argv, user_file):
    return [a.format(file=user_file, dir=user_file.parent) for a in argv]


@pytest.mark.parametrize('argv, words', MISTAKES.values(), ids=MISTAKES.keys())
def test_user_mistake_is_one_line_and_status_2(argv, words, user_file, capsys):
    with pytest.raises(SystemExit) as info:
        main(_argv(argv, user_file))
    assert info.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith('autograph: '), captured.err
    for word in words:
        assert word in lines[0], f'{word!r} not in {lines[0]!r}'
    assert 'Traceback' not in captured.err and captured.out == ''


def test_compile_error_in_the_target_shows_its_place_without_a_traceback(user_file, capsys):
    with pytest.raises(SystemExit) as info:
        main(['show', f'{user_file}:uses_try', '--grad', '0'])
    assert info.value.code == 2
    err = capsys.readouterr().err
    first, code_line, caret = err.splitlines()
    assert first == f'autograph: File "{user_file}", line 13, column 5: try/except is not supported in compiled code'
    assert code_line.strip() == 'try:' and caret.strip() == '^'
    assert 'Traceback' not in err


def test_export_to_a_bad_path_writes_nothing_else(user_file, capsys):
    with pytest.raises(SystemExit):
        main(['export', f'{user_file}:square_sum', '--grad', '0', '-o', str(user_file.parent / 'no' / 'out.py')])
    assert not (user_file.parent / 'no').exists()


def test_user_mistake_from_the_command_line_has_no_traceback(user_file):
    result = subprocess.run([sys.executable, '-m', 'autograph', 'show', f'{user_file}:square_sum',
                             '--grad', 'x'], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith('autograph: --grad') and 'Traceback' not in result.stderr


def test_version_matches_the_project_file(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(['--version'])
    assert exit_info.value.code == 0
    project = (pathlib.Path(__file__).resolve().parents[1] / 'pyproject.toml').read_text()
    declared = re.search(r'^version\s*=\s*"([^"]+)"', project, re.M).group(1)
    assert capsys.readouterr().out.strip() == f'autograph {declared}' == f'autograph {autograph.__version__}'
