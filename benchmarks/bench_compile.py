"""How long compiling takes: functions of 1,000 to 16,000 statements (jit and grad, with the CPU
time per statement, which stays flat when compiling is linear in program size), and the
gradient of a run-time loop of 10,000 iterations (compiled once, run once).

Run:  python benchmarks/bench_compile.py [--sizes 1000 2000 4000 8000 16000] [--repeat 3]
"""
import argparse
import gc
import importlib.util
import itertools
import pathlib
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


_FUNCTIONS = itertools.count()


def long_function(statements, directory):
    """A function of `statements` lines, each `y = ops.sin(y) * k + x`, loaded from a file of its
    own. Each is new to the compiler, which would reuse the parse of an equal code object: the
    def starts one line lower each time."""
    number = next(_FUNCTIONS)
    module_name = f'long_function_{number}'
    path = pathlib.Path(directory) / f'{module_name}.py'
    lines = ['from autograph import ops'] + [''] * number + ['', '', 'def long_function(x):', '    y = x']
    lines += [f'    y = ops.sin(y) * {1 + i % 3} + x' for i in range(statements)]
    path.write_text('\n'.join(lines + ['    return ops.sum(y)', '']))
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)     # not in sys.modules: freed with the function
    return module.long_function


def seconds(fn, *args):
    """(wall-clock, CPU) seconds of one call and of collecting the garbage it leaves: compiling
    holds the cyclic collector back until it ends, and that work is part of its cost. On a
    shared machine the CPU time of this process is the steadier of the two (compiling runs in
    one thread)."""
    gc.collect()        # what came before pays for its own garbage
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    gc.collect()
    return time.perf_counter() - wall, time.process_time() - cpu


def first_call(transform, statements, directory, repeat):
    """The best wall-clock and CPU times of `repeat` first calls (compile + run) of `transform`,
    each over a fresh function."""
    x = np.full(4, 0.1)
    times = [seconds(transform(long_function(statements, directory)), x) for _ in range(repeat)]
    return min(wall for wall, _ in times), min(cpu for _, cpu in times)


def timed(label, fn, *args):
    print(f'{label:<52}{seconds(fn, *args)[0]:8.2f} s')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[1000, 2000, 4000, 8000, 16000],
                        help='numbers of statements to compile')
    parser.add_argument('--repeat', type=int, default=3,
                        help='compile each this many times and keep the fastest (the machine may be shared)')
    options = parser.parse_args()
    print('First call (compile + run, then garbage collection) of jit and grad: seconds of wall-clock')
    print('and CPU time, and CPU microseconds per statement (flat when compiling is linear).')
    print(f"{'statements':>10}  {'jit wall':>9}{'cpu':>7}{'µs/stmt':>9}  {'grad wall':>9}{'cpu':>7}{'µs/stmt':>9}")
    with tempfile.TemporaryDirectory() as directory:
        for n in options.sizes:
            row = f'{n:>10}'
            for transform in (autograph.jit, autograph.grad):
                wall, cpu = first_call(transform, n, directory, options.repeat)
                row += f'  {wall:>9.2f}{cpu:>7.2f}{cpu / n * 1e6:>9.0f}'
            print(row, flush=True)
    x, w = np.full(4, 0.1), np.eye(4) * 0.5
    timed('grad of a 10,000-step run-time loop (compile + run)', autograph.grad(rnn, (0, 1)), x, w, 10_000)
    g = autograph.grad(rnn, (0, 1))
    g(x, w, 10_000)
    timed('the same, compiled already (run only)', g, x, w, 10_000)


if __name__ == '__main__':
    main()
