"""MindSpore 2.x's beginner tutorials run on autograph with only the import changed (and the
data download replaced by a synthetic MNIST): each file of examples/mindspore_tutorials/ runs as
a script in a subprocess, and its printed results are checked."""
import pathlib
import re
import subprocess
import sys

import pytest

FOLDER = pathlib.Path(__file__).resolve().parents[2] / 'examples' / 'mindspore_tutorials'


def run(name):
    result = subprocess.run([sys.executable, str(FOLDER / name)], capture_output=True, text=True,
                            timeout=300, cwd=FOLDER)
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
