"""How long compiling takes: a function of N statements (jit and grad), and the gradient of a
run-time loop of 10,000 iterations (compiled once, run once).

Run:  python benchmarks/bench_compile.py [--statements 2000]
"""
import argparse
import importlib.util
import pathlib
import sys
import tempfile
import time

import numpy as np

import autograph
from autograph import ops


def rnn(x, w, n):
    h = x
    for t in range(n):
        h = ops.tanh(h @ w)
    return ops.sum(h)


def long_function(statements, directory):
    path = pathlib.Path(directory) / 'long_function.py'
    lines = ['from autograph import ops', '', '', 'def long_function(x):', '    y = x']
    lines += [f'    y = ops.sin(y) * {1 + i % 3} + x' for i in range(statements)]
    path.write_text('\n'.join(lines + ['    return ops.sum(y)', '']))
    spec = importlib.util.spec_from_file_location('long_function', path)
    module = importlib.util.module_from_spec(spec)
    sys.modules['long_function'] = module
    spec.loader.exec_module(module)
    return module.long_function


def timed(label, fn, *args):
    start = time.perf_counter()
    fn(*args)
    print(f'{label:<48}{time.perf_counter() - start:8.2f} s')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--statements', type=int, default=2000)
    options = parser.parse_args()
    x = np.full(4, 0.1)
    with tempfile.TemporaryDirectory() as directory:
        f = long_function(options.statements, directory)
        timed(f'jit of {options.statements} statements (first call)', autograph.jit(f), x)
        timed(f'grad of {options.statements} statements (first call)', autograph.grad(f), x)
    w = np.eye(4) * 0.5
    timed('grad of a 10,000-step run-time loop (compile + run)', autograph.grad(rnn, (0, 1)), x, w, 10_000)
    g = autograph.grad(rnn, (0, 1))
    g(x, w, 10_000)
    timed('the same, compiled already (run only)', g, x, w, 10_000)


if __name__ == '__main__':
    main()
