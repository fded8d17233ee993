"""MindSpore 2.x's beginner tutorials run on autograph with only the import changed (and the
data download replaced by a synthetic MNIST): each file of examples/mindspore_tutorials/ runs as
a script in a subprocess, and its printed results are checked."""
import os
import pathlib
import re
import runpy
import subprocess
import sys

import numpy as np
import pytest

FOLDER = pathlib.Path(__file__).resolve().parents[2] / 'examples' / 'mindspore_tutorials'


def run(name, cwd=FOLDER, fails=False):
    """The tutorial's standard output; with `fails`, (stdout, stderr) of a run that must fail."""
    env = {**os.environ, 'MPLBACKEND': 'Agg'}         # plt.show() draws nothing, returns at once
    result = subprocess.run([sys.executable, str(FOLDER / name)], capture_output=True, text=True,
                            timeout=300, cwd=cwd, env=env)
    if fails:
        assert result.returncode != 0, result.stdout[-3000:]
        return result.stdout, result.stderr
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def floats(pattern, text):
    return [float(value) for value in re.findall(pattern, text)]


def test_quick_start():
    out = run('quick_start.py')
    assert "['image', 'label']" in out
    assert out.count('Shape of image [N, C, H, W]: (64, 1, 28, 28) Float32') == 2
    assert out.count('Shape of label: (64,) Int32') == 2
    assert 'Dense(input_channels=784, output_channels=512, has_bias=True)' in out
    accuracies = floats(r'Accuracy: ([\d.]+)%', out)
    losses = floats(r'Avg loss: ([\d.]+)', out)
    assert len(accuracies) == 3 and accuracies[-1] >= 90
    assert losses[0] > losses[1] > losses[2]
    assert 'Done!' in out and 'Saved Model to model.ckpt' in out
    assert '\n[]\n' in out                       # every parameter loaded back
    predicted, actual = re.search(r'Predicted: "(.*)", Actual: "(.*)"', out).groups()
    assert len(predicted.split()) == 10
    assert sum(p == a for p, a in zip(predicted.split(), actual.split())) >= 8


def test_tensor():
    out = run('tensor.py')
    expected = ['[1 0 1 0] (4,) Int64', 'tensor1:\n [[1. 1.]\n [1. 1.]]', 'Ones Tensor: \n [1 1 1 1]',
                'Zeros Tensor: \n [0 0 0 0]', 'x_shape: (2, 2)', 'x_dtype: Int32', 'x_itemsize: 4',
                'x_nbytes: 16', 'x_ndim: 2', 'x_size: 4', 'x_strides: (8, 4)',
                'First row: [0. 1.]', 'value of bottom right corner: 3.0',
                'Last column: [1. 3.]', 'First column: [0. 2.]', 'add: [5. 7. 9.]',
                'sub: [-3. -3. -3.]', 'mul: [ 4. 10. 18.]', 'div: [4.  2.5 2. ]', 'mod: [0. 1. 0.]',
                'floordiv: [4. 2. 2.]', '[[0. 1.]\n [2. 3.]\n [4. 5.]\n [6. 7.]]\nshape:\n (4, 2)',
                'shape:\n (2, 2, 2)', 't: [1. 1. 1. 1. 1.]\nn: [1. 1. 1. 1. 1.]',
                't: [2. 2. 2. 2. 2.]\nn: [2. 2. 2. 2. 2.]',      # from_numpy shares the memory
                'Float64\n[1. 2.]\n[[0 1]\n [1 2]]\n(3, 4)\nFloat64']
    for text in expected:
        assert text in out, text
    tensor2 = re.search(r'tensor2:\n \[\[(.*)\]\n \[(.*)\]\]', out).groups()
    values = [float(v) for row in tensor2 for v in row.split()]
    assert len(values) == 4 and max(abs(v) for v in values) < 0.1     # Normal(sigma=0.01)


def test_dataset():
    pytest.importorskip('matplotlib')
    out = run('dataset.py')
    lines = out.splitlines()
    assert lines[0] == "<class 'autograph.dataset.loaders.MnistDataset'>"
    assert lines[1:4] == ['(28, 28, 1) UInt8', '(28, 28, 1) Float32', '(32, 28, 28, 1) Float32']
    row = ('[Tensor(shape=[2], dtype=Float64, value= [ 1.00000000e+00,  1.00000000e+00]), '
           'Tensor(shape=[1], dtype=Float64, value= [ 0.00000000e+00])]')
    assert lines[4:9] == [row] * 5
    scalar = '[Tensor(shape=[], dtype=Int64, value= {})]'.format
    assert sorted(lines[9:12]) == [scalar(i) for i in range(3)]      # a list source is shuffled
    assert lines[12:] == [scalar(i) for i in [1, 2, 3, 4, 3, 4, 5]]


def test_model():
    out = run('model.py')
    assert out.startswith('Network(\n  (flatten): Flatten()\n  (dense_relu_sequential): SequentialCell(')
    assert re.search(r'Predicted class: \[\d\]', out)
    for shape in ['(3, 28, 28)', '(3, 784)', '(3, 20)', '(3, 10)']:
        assert f'\n{shape}\n' in out
    before = re.search(r'Before ReLU: (\[\[.*?\]\])\n', out, re.S).group(1)
    after = re.search(r'After ReLU: (\[\[.*?\]\])\n', out, re.S).group(1)
    parse = lambda text: [float(v) for v in re.findall(r'-?\d+\.\d*(?:e-?\d+)?', text)]
    # Printed digits differ with the array's other values (NumPy trims to the widest needed).
    assert len(parse(after)) == 60
    np.testing.assert_allclose(np.maximum(parse(before), 0), parse(after), rtol=1e-6, atol=1e-7)
    names = re.findall(r'Layer: (\S+)\nSize: (\(.*?\))', out)
    assert names == [('dense_relu_sequential.0.weight', '(512, 784)'), ('dense_relu_sequential.0.bias', '(512,)'),
                     ('dense_relu_sequential.2.weight', '(512, 512)'), ('dense_relu_sequential.2.bias', '(512,)'),
                     ('dense_relu_sequential.4.weight', '(10, 512)'), ('dense_relu_sequential.4.bias', '(10,)')]
    assert out.count('Values : [') == 6


def test_autograd(capsys):
    ns = runpy.run_path(str(FOLDER / 'autograd.py'), run_name='__main__')
    out = capsys.readouterr().out
    w, b = ns['w'].asnumpy(), ns['b'].asnumpy()
    z = np.ones(5) @ w + b
    p = 1 / (1 + np.exp(-z))
    loss = np.mean(np.log1p(np.exp(z)))                 # targets zero
    assert abs(float(out.splitlines()[0]) - loss) < 1e-5
    dz = p / 3
    expected = (np.outer(np.ones(5), dz), dz)
    blocks = re.findall(r'\(Tensor\(shape=\[5, 3\].*?\]\)\)', out, re.S)
    assert len(blocks) == 5
    values = [np.array([float(v) for v in re.findall(r'-?\d\.\d+e[-+]\d+', block)]) for block in blocks]
    plain = np.concatenate([expected[0].ravel(), expected[1]])
    with_z = plain + 1                                  # the gradient of loss + sum(z)
    for got, want in zip(values, [plain, with_z, plain, plain, plain]):
        np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_allclose(ns['z'].asnumpy(), z, rtol=1e-5)   # has_aux's z
    assert float(ns['loss']) == pytest.approx(loss, rel=1e-5)      # value_and_grad's value


def test_train():
    out = run('train.py')
    accuracies = floats(r'Accuracy: ([\d.]+)%', out)
    losses = floats(r'Avg loss: ([\d.]+)', out)
    step_losses = floats(r'loss: ([\d.]+)  \[  0/ 20\]', out)
    assert len(accuracies) == 3 and accuracies[-1] >= 90
    assert losses[0] > losses[1] > losses[2] and len(step_losses) == 3
    assert step_losses[0] > step_losses[-1]
    assert out.rstrip().endswith('Done!')


def test_save_load_checkpoint_runs_and_mindir_is_refused(tmp_path):
    """The checkpoint half runs; the MindIR half stops at export(..., file_format="MINDIR"),
    a format autograph does not write (it writes 'ONNX', 'NUMPY' and 'ARRAY_API')."""
    out, err = run('save_load.py', cwd=tmp_path, fails=True)
    assert out == '[]\n'                                  # every parameter loaded back
    assert (tmp_path / 'model.ckpt').is_file() and not (tmp_path / 'model.mindir').exists()
    assert err.rstrip().splitlines()[-1].startswith(
        "ValueError: file_format 'MINDIR': autograph writes 'ONNX', 'NUMPY' and 'ARRAY_API'")


def rows_of(text):
    values = np.array([float(v) for v in re.findall(r'-?\d+\.\d*(?:e[-+]?\d+)?', text)])
    return values.reshape(-1, 10)


@pytest.mark.parametrize('section', ['pynative_mode', 'graph_mode', 'jit_construct',
                                     'context_graph_mode', 'jit_decorator', 'jit_function'])
def test_static_graph_sections(section):
    """Every section runs; in `jit_decorator` and `jit_function`, `run(x)` creates the Network
    inside the compiled function, and it is built while compiling, as MindSpore builds it."""
    out = run(f'static_graph/{section}.py')
    logits = rows_of(out)
    assert logits.shape == (64, 10)                        # 64 images of ones: equal rows
    np.testing.assert_allclose(logits, np.broadcast_to(logits[0], logits.shape), atol=1e-6)
    assert np.abs(logits).max() < 5 and logits.std() > 0


def test_transforms():
    pytest.importorskip('PIL')
    out = run('transforms.py')
    lines = out.splitlines()
    assert lines[:2] == ['(28, 28, 1)', '(1, 28, 28)']
    assert '(48, 48, 1) (1, 48, 48)' in lines
    assert lines[-5:] == [
        "[Tensor(shape=[3], dtype=String, value= ['Welcome', 'to', 'Beijing'])]",
        "{'Beijing': 0, 'Welcome': 1, 'to': 2}",
        '[Tensor(shape=[3], dtype=Int32, value= [1, 2, 0])]',
        '[[Tensor(shape=[], dtype=Int64, value= 2)], [Tensor(shape=[], dtype=Int64, value= 4)], '
        '[Tensor(shape=[], dtype=Int64, value= 6)]]',
        '[[Tensor(shape=[], dtype=Int64, value= 6)], [Tensor(shape=[], dtype=Int64, value= 18)], '
        '[Tensor(shape=[], dtype=Int64, value= 38)]]']
    # Rescale then Normalize of the random image: the printed corners agree with the formula
    pixels = rows_of_text(out, 2)
    rescaled, normalized = rows_of_text(out, 3), rows_of_text(out, 4)
    np.testing.assert_allclose(rescaled, pixels / 255, rtol=1e-6)
    np.testing.assert_allclose(normalized, (pixels / 255 - 0.1307) / 0.3081, rtol=1e-5)


def rows_of_text(out, k):
    """The k-th printed 48x48 matrix's first row's first three values."""
    blocks = re.findall(r'^\[\[.*?\]\]$', out, re.S | re.M)
    first = re.match(r'\[\[\s*(\S+)\s+(\S+)\s+(\S+)', blocks[k - 2])
    return np.array([float(v) for v in first.groups()])
