"""Compiling from several threads at once: every result equals the single-threaded one, eager ops
in other threads stay eager, and a signature compiled under contention is compiled once.

The full stress run of the issue (8 threads x 200 first calls, repeated 20 times) takes minutes:
`AUTOGRAPH_STRESS=1 python -m pytest tests/test_threads.py`. CI runs a smaller round."""
import importlib.util
import os
import threading

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops

STRESS = os.environ.get('AUTOGRAPH_STRESS') == '1'
THREADS = 8
CALLS = 200 if STRESS else 24
ROUNDS = 20 if STRESS else 2
FUNCTIONS = 40

TEMPLATE = '''
def f{k}(x, w):
    h = ops.tanh(x @ w + {k}.0 * 0.01)
    total = ops.sum(h * h)
    for i in range(3):
        if total > {k}.0 * 0.1:
            total = total * 0.5
        else:
            total = total + ops.sum(h) * {k}.0
    return total
'''


@pytest.fixture(scope='module')
def functions(tmp_path_factory):
    """Distinct functions (their own code, so parsing is concurrent too), from a module file."""
    path = tmp_path_factory.mktemp('threads') / 'thread_functions.py'
    path.write_text('from autograph import ops\n' + ''.join(TEMPLATE.format(k=k) for k in range(FUNCTIONS)))
    spec = importlib.util.spec_from_file_location('thread_functions', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [getattr(module, f'f{k}') for k in range(FUNCTIONS)]


RNG = np.random.default_rng(0)
INPUTS = [(RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))) for _ in range(3)]


def reference(functions):
    """Single-threaded results: forward value and gradients, per function and input."""
    return {(k, j): (float(autograph.jit(fn)(*INPUTS[j])),
                     [g.copy() for g in autograph.grad(fn, (0, 1))(*INPUTS[j])])
            for k, fn in enumerate(functions) for j in range(len(INPUTS))}


def run_threads(target, count=THREADS):
    errors = []
    barrier = threading.Barrier(count)

    def run(t):
        try:
            barrier.wait()
            target(t)
        except BaseException as e:   # noqa: BLE001 -- reported by the test
            errors.append(e)
    threads = [threading.Thread(target=run, args=(t,)) for t in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_first_calls_from_many_threads_match_single_threaded_results(functions):
    want = reference(functions)
    stop = threading.Event()
    eager_problems = []

    def eager_worker():
        x = Tensor(np.arange(6.0).reshape(2, 3))
        while not stop.is_set():
            y = ops.sum(ops.tanh(x) * 2.0)
            if type(y) is not Tensor or not np.isclose(float(y), 2 * np.tanh(np.arange(6.0)).sum()):
                eager_problems.append(repr(type(y)))

    eager = [threading.Thread(target=eager_worker) for _ in range(2)]
    for thread in eager:
        thread.start()
    try:
        for _ in range(ROUNDS):
            shared_jit = [autograph.jit(fn) for fn in functions]
            shared_grad = [autograph.grad(fn, (0, 1)) for fn in functions]

            def worker(t):
                for call in range(CALLS):
                    k = (t * 7 + call) % FUNCTIONS
                    j = call % len(INPUTS)
                    value, grads = want[k, j]
                    fresh = call % 2 == 0      # a first call of a new object, or of a shared one
                    jitted = autograph.jit(functions[k]) if fresh else shared_jit[k]
                    graded = autograph.grad(functions[k], (0, 1)) if fresh else shared_grad[k]
                    assert float(jitted(*INPUTS[j])) == value
                    got = graded(*INPUTS[j])
                    for g, w in zip(got, grads):
                        np.testing.assert_array_equal(g, w)
            run_threads(worker)
    finally:
        stop.set()
        for thread in eager:
            thread.join()
    assert not eager_problems, eager_problems[:3]
    # And afterwards, single-threaded calls of what was compiled under contention are right.
    for (k, j), (value, grads) in want.items():
        assert float(shared_jit[k](*INPUTS[j])) == value


def test_one_signature_compiles_once_under_contention(functions):
    compiled = autograph.jit(functions[0])
    results = []
    run_threads(lambda t: results.append(float(compiled(*INPUTS[0]))))
    info = compiled.cache_info()
    assert info.misses == 1 and info.entries == 1 and info.hits == THREADS - 1
    assert len(set(results)) == 1


def test_a_failing_compilation_fails_in_every_waiting_thread(functions, tmp_path):
    path = tmp_path / 'bad_function.py'
    path.write_text('def bad(x):\n    return x.no_such_method()\n')
    spec = importlib.util.spec_from_file_location('bad_function', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    compiled = autograph.jit(module.bad)
    failures = []

    def worker(t):
        try:
            compiled(np.ones(3))
        except autograph.CompileError as e:
            failures.append(str(e))
    run_threads(worker)
    assert len(failures) == THREADS and all('bad_function.py' in f for f in failures)
