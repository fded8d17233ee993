"""The compile cache at scale: memory over many call signatures, the cost of a compile when the
cache already holds thousands of entries (with the log off and on), and the per-call cost of
a cache hit: microseconds per call above the generated function, for jit, grad and
value_and_grad at the tutorial's sizes (Tensors and NumPy arrays in) and for the Cell form
`value_and_grad(forward_fn, None, weights=model.trainable_params())(x, labels)`.

Times are CPU time of this thread (time.thread_time), the best of several runs, so that other
processes on the machine count less.

Run:  python benchmarks/bench_cache.py [--signatures 20000]
      python benchmarks/bench_cache.py --overhead-only
"""
import argparse
import gc
import logging
import resource
import time

import numpy as np

import autograph
from autograph import Parameter, Tensor, nn, ops


def affine(x):
    return ops.sum(x * 2.0 + 1.0)


def rss_mb():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(signatures):
    compiled = autograph.jit(affine)
    compiled(np.ones(1))
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    for n in range(2, signatures + 2):
        compiled(np.ones(n))
    gc.collect()
    print(f'{signatures} signatures (cache of {compiled.cache_size}): RSS {before:.0f} MB -> {rss_mb():.0f} MB, '
          f'{(time.perf_counter() - start) / signatures * 1e3:.2f} ms per compile')


def compile_time_with_entries(entries, log):
    compiled = autograph.jit(affine, cache_size=entries + 200)
    for n in range(1, entries + 1):
        compiled(np.ones(n))
    logger = logging.getLogger('autograph')
    logger.setLevel(logging.INFO if log else logging.WARNING)
    handlers, logger.handlers = logger.handlers, [logging.NullHandler()]
    start = time.perf_counter()
    for n in range(entries + 1, entries + 101):
        compiled(np.ones(n))
    elapsed = (time.perf_counter() - start) / 100
    logger.handlers = handlers
    logger.setLevel(logging.WARNING)
    print(f'compile with {entries:>5} entries cached, log {"on " if log else "off"}: {elapsed * 1e3:.2f} ms')


class Mlp(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Dense(4, 8, activation='relu')
        self.fc2 = nn.Dense(8, 2)
        self.scale = 0.5

    def construct(self, x):
        return ops.sum(self.fc2(self.fc1(x)) * self.scale)


def seed(x, y, w, b):
    """The tutorial's function: x (5,), w (5, 3), b (3,)."""
    z = ops.matmul(x, w) + b
    return ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))


class TutorialMlp(nn.Cell):
    def __init__(self):
        super().__init__()
        rs = np.random.RandomState(1)
        self.W1 = Parameter(Tensor((rs.randn(784, 256) * 0.05).astype(np.float32)), name='W1')
        self.b1 = Parameter(Tensor(np.zeros(256, np.float32)), name='b1')
        self.W2 = Parameter(Tensor((rs.randn(256, 10) * 0.06).astype(np.float32)), name='W2')
        self.b2 = Parameter(Tensor(np.zeros(10, np.float32)), name='b2')

    def construct(self, x):
        h = ops.relu(ops.matmul(x, self.W1) + self.b1)
        return ops.matmul(h, self.W2) + self.b2


def _overhead_cases():
    rs = np.random.RandomState(0)
    x, y = np.ones(5, np.float32), np.zeros(3, np.float32)
    w, b = rs.randn(5, 3).astype(np.float32), rs.randn(3).astype(np.float32)
    tensors = (Tensor(x), Tensor(y), Parameter(Tensor(w), name='w'), Parameter(Tensor(b), name='b'))
    for name, make in (('jit', lambda: autograph.jit(seed)),
                       ('grad', lambda: autograph.grad(seed, (2, 3))),
                       ('value_and_grad', lambda: autograph.value_and_grad(seed, (2, 3)))):
        yield f'{name}, Tensors', make(), tensors
        yield f'{name}, arrays', make(), (x, y, w, b)
    model = TutorialMlp()

    def forward_fn(x, labels):
        return ops.cross_entropy(model(x), labels)
    vg = autograph.value_and_grad(forward_fn, None, weights=model.trainable_params())
    yield 'Cell, weights= (mlp batch 1)', vg, (Tensor(rs.rand(1, 784).astype(np.float32)),
                                               Tensor(np.array([3], np.int32)))


def _best(call, runs=5, number=4000):
    for _ in range(200):
        call()
    times = []
    for _ in range(runs):
        start = time.thread_time()
        for _ in range(number):
            call()
        times.append((time.thread_time() - start) / number)
    return min(times) * 1e6


def _generated_arguments(entry, args):
    """What the generated function of `entry` takes for the call `args`: the arrays of the
    run-time inputs, then those of the Parameters it reads."""
    arrays = [args[i]._data if isinstance(args[i], Tensor) else args[i] for i in entry.array_positions]
    return arrays + [p._data if isinstance(p, Tensor) else p for p in entry.implicit]


def _stub_generated(compiled, args):
    """The generated function replaced by one returning its result at once, so that what a call
    costs beyond it is measured alone. Returns (stub, its arguments)."""
    entry = compiled.last
    arrays = _generated_arguments(entry, args)
    result = entry.fn(*arrays)

    def stub(*_):
        return result
    entry.fn = stub
    if getattr(entry, 'fast', None) is not None:    # the fast path calls the function it was made with
        from autograph.fastpath import fast_call
        entry.fast = fast_call(entry, args, compiled.dynamic_floats)
    return stub, arrays


def call_overhead():
    """Per call: the whole call, the generated function alone, and what the call costs beyond
    it (the Tensor boundary, the signature and guard checks), measured with the generated
    function stubbed out: at these sizes the difference of the first two is mostly noise."""
    print('per-call cost on a cache hit (us):')
    for label, compiled, args in _overhead_cases():
        compiled(*args)
        entry = compiled.last
        arrays = _generated_arguments(entry, args)
        whole = _best(lambda: compiled(*args), number=1000)
        generated = _best(lambda: entry.fn(*arrays), number=1000)
        stub, stub_args = _stub_generated(compiled, args)
        # Alternated, the best of each: the machine's load changes less between the two.
        rounds = [(_best(lambda: compiled(*args), runs=3), _best(lambda: stub(*stub_args), runs=3))
                  for _ in range(5)]
        overhead = min(call for call, _ in rounds) - min(alone for _, alone in rounds)
        print(f'  {label:30s} call {whole:8.2f}  generated function {generated:8.2f}  '
              f'overhead {overhead:5.2f}')


def hit_cost():
    """Microseconds per call on a cache hit, guards included, against the generated function."""
    net = Mlp()
    compiled = autograph.jit(net)
    x = np.ones((1, 4), np.float32)
    compiled(x)
    entry = compiled.last
    arrays = [x] + [np.asarray(p.asnumpy()) for p in entry.implicit]
    for label, call in (('compiled call (guards, Tensor boundary)', lambda: compiled(x)),
                        ('generated function alone', lambda: entry.fn(*arrays)),
                        ('guards alone', entry.stale)):
        for _ in range(200):
            call()
        start = time.perf_counter()
        for _ in range(5000):
            call()
        print(f'{label}: {(time.perf_counter() - start) / 5000 * 1e6:.2f} us '
              f'({len(entry.guards)} guards)' if label == 'guards alone' else
              f'{label}: {(time.perf_counter() - start) / 5000 * 1e6:.2f} us')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--signatures', type=int, default=20000)
    parser.add_argument('--entries', type=int, nargs='*', default=[100, 3000, 10000])
    parser.add_argument('--overhead-only', action='store_true', help='only the per-call cost of a cache hit')
    options = parser.parse_args()
    call_overhead()
    if options.overhead_only:
        return
    hit_cost()
    for entries in options.entries:
        for log in (False, True):
            compile_time_with_entries(entries, log)
    memory(options.signatures)


if __name__ == '__main__':
    main()
