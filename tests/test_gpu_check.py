"""benchmarks/gpu_check.py without a GPU: it skips with a message (CuPy missing, or CuPy seeing no
device), and its checking and timing run on a test double of the GPU: array_api_strict arrays
in place of CuPy's (so the CuPy path's generated code uses only the standard), with a wrong
result caught at rtol 1e-4."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

xps = pytest.importorskip('array_api_strict')

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / 'benchmarks'
sys.path.insert(0, str(BENCHMARKS))
import gpu_check  # noqa: E402

STRICT = gpu_check.Device('array_api_strict', xps, type(xps.asarray(0.0)), xps.asarray, np.from_dlpack, lambda: None)


@pytest.fixture(autouse=True, scope='module')
def standard_2024_12():
    xps.set_array_api_strict_flags(api_version='2024.12')
    yield
    xps.reset_array_api_strict_flags()


def _run(extra_path=None):
    env = dict(os.environ)
    if extra_path is not None:
        env['PYTHONPATH'] = os.pathsep.join([str(extra_path), env.get('PYTHONPATH', '')])
    return subprocess.run([sys.executable, str(BENCHMARKS / 'gpu_check.py')], capture_output=True,
                          text=True, timeout=120, env=env)


def test_it_skips_with_a_message_without_cupy(tmp_path):
    (tmp_path / 'cupy.py').write_text("raise ImportError('no CuPy here')\n")    # hides any real CuPy
    done = _run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('gpu_check: skipped: CuPy is not installed (no CuPy here)')


def test_it_skips_with_a_message_when_cupy_sees_no_gpu(tmp_path):
    fake = tmp_path / 'cupy'
    (fake / 'cuda').mkdir(parents=True)
    (fake / '__init__.py').write_text('from . import cuda\n')
    (fake / 'cuda' / '__init__.py').write_text(
        'class runtime:\n'
        '    @staticmethod\n'
        '    def getDeviceCount():\n'
        "        raise RuntimeError('cudaErrorNoDevice: no CUDA-capable device is detected')\n")
    done = _run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('gpu_check: skipped: CuPy sees no GPU (RuntimeError: cudaErrorNoDevice')


@pytest.mark.parametrize('case', sorted(gpu_check.CASES))
def test_each_case_on_a_stand_in_device_matches_numpy_and_the_hand_written_code(case):
    row = gpu_check.check_case(case, STRICT, repeat=1)
    assert row['vs_numpy'] <= gpu_check.RTOL and row['vs_hand'] <= gpu_check.RTOL
    assert row['autograph_ms'] > 0 and row['hand_ms'] > 0


def test_a_wrong_gradient_on_the_device_fails_the_check():
    off = STRICT._replace(to_numpy=lambda a: np.from_dlpack(a) * np.float32(1.001))
    with pytest.raises(AssertionError, match=r'mlp on array_api_strict differs from numpy by 0.001'):
        gpu_check.check_case('mlp', off, repeat=1)


def test_results_of_another_type_fail_the_check():
    wrong_type = STRICT._replace(array_type=np.ndarray)
    with pytest.raises(AssertionError, match='not array_api_strict arrays'):
        gpu_check.check_case('rnn', wrong_type, repeat=1)


def test_main_prints_the_table_on_a_device(monkeypatch, capsys):
    monkeypatch.setattr(gpu_check, 'gpu', lambda: (STRICT, None))
    assert gpu_check.main(['--repeat', '1', '--cases', 'mlp,rnn']) == 0
    out = capsys.readouterr().out
    assert '| case | diff vs NumPy | diff vs by hand | autograph ms | by hand ms | ratio |' in out
    assert out.count('\n| mlp |') == 1 and out.count('\n| rnn |') == 1


def test_on_the_gpu_where_there_is_one():
    device, reason = gpu_check.gpu()
    if device is None:
        pytest.skip(reason)
    for case in gpu_check.CASES:
        row = gpu_check.check_case(case, device, repeat=3)
        assert row['vs_numpy'] <= gpu_check.RTOL
