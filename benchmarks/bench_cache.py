"""The compile cache at scale: memory over many call signatures, the cost of a compile when the
cache already holds thousands of entries (with the log off and on), and the per-call cost of
the guards on a cache hit.

Run:  python benchmarks/bench_cache.py [--signatures 20000]
"""
import argparse
import gc
import logging
import resource
import time

import numpy as np

import autograph
from autograph import nn, ops


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
    options = parser.parse_args()
    hit_cost()
    for entries in options.entries:
        for log in (False, True):
            compile_time_with_entries(entries, log)
    memory(options.signatures)


if __name__ == '__main__':
    main()
