"""Out-of-core gradients: the gradient of a mean-squared-error loss of a linear model over a
`dask.array` batch that no worker ever holds whole, computed on a dask.distributed LocalCluster.

    loss(x, y, w, b) = mean((x @ w + b - y) ** 2)

x (rows x features, float64) and y are random dask arrays made on the workers, chunk by chunk
(`chunk` rows each); w and b are small NumPy arrays. `autograph.grad(loss, (2, 3))` called with
them compiles the array API code once and returns lazy dask arrays; `dask.compute` runs them on
the cluster. The result is checked against NumPy computing the same gradient chunk by chunk (each
chunk fetched from the cluster, never the whole batch).

Memory: each worker samples its resident memory every 2 ms while the gradient computes; the
largest sample less the memory resident before is what computing it took, printed in MB and in
chunks of x (a small gradient runs first, so that what any computation imports is not counted). The workers run with
a `memory_limit` (256 MiB by default: two workers hold less than the 610 MB of x), so a worker
that needed the whole batch would be paused or restarted by dask rather than silently succeed.

Run:  python benchmarks/bench_out_of_core.py                     # 10 million rows, 8 features
      python benchmarks/bench_out_of_core.py --rows 1000000 --chunk 50000 --memory-limit 1GiB
"""
import argparse
import sys
import time

import numpy as np

import autograph
from autograph import ops


def loss(x, y, w, b):
    return ops.mean((x @ w + b - y) ** 2)


def _start_sampling(dask_worker):
    """On a worker: sample its resident memory every 2 ms from now on; returns it now (MB)."""
    import threading
    import psutil
    process = psutil.Process()
    state = {'peak': process.memory_info().rss, 'stop': threading.Event()}

    def sample():
        while not state['stop'].wait(0.002):
            state['peak'] = max(state['peak'], process.memory_info().rss)
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    dask_worker.autograph_memory_sampler = state, thread
    return state['peak'] / 2 ** 20


def _stop_sampling(dask_worker):
    """On a worker: stop sampling; the largest resident memory seen (MB)."""
    state, thread = dask_worker.autograph_memory_sampler
    state['stop'].set()
    thread.join()
    return state['peak'] / 2 ** 20


def data(rows, features, chunk, seed=0):
    """(x, y, w, b): x and y lazy dask arrays in chunks of `chunk` rows, w and b NumPy."""
    import dask.array as da
    rng = da.random.default_rng(seed)
    x = rng.standard_normal((rows, features), chunks=(chunk, features))
    truth = np.linspace(-1.0, 1.0, features)
    y = x @ truth + 0.5 + 0.1 * rng.standard_normal(rows, chunks=chunk)
    w = np.zeros(features)
    b = np.zeros(())
    return x, y, w, b


def _chunk_gradient(xc, yc, w, b, n):
    r = xc @ w + b - yc
    return 2.0 / n * (xc.T @ r), 2.0 / n * r.sum()


def chunkwise_numpy(client, x, y, w, b):
    """The same gradient in hand-written NumPy, one chunk of x and y at a time (on the workers,
    each chunk's share; the shares summed here)."""
    import dask
    n = x.shape[0]
    shares = [dask.delayed(_chunk_gradient)(xb, yb, w, b, n)
              for xb, yb in zip(x.to_delayed().ravel(), y.to_delayed().ravel())]
    shares = client.compute(shares, sync=True)
    return sum(s[0] for s in shares), np.asarray(sum(s[1] for s in shares))


def measure(client, rows, features, chunk, seed=0, check=True):
    """Compute the gradient on `client`'s cluster; returns a dict of what was measured."""
    import cloudpickle
    import dask
    if __name__ != '__main__':      # imported (by the tests): the workers cannot import it by name
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    x, y, w, b = data(rows, features, chunk, seed)
    grad = autograph.grad(loss, (2, 3))
    # A small gradient first, so that what the workers import and keep for any computation is in
    # the baseline, not in the growth.
    dask.compute(*grad(*data(4 * chunk, features, chunk, seed + 1)))
    client.run(lambda: __import__('gc').collect())
    before = client.run(_start_sampling)
    start = time.perf_counter()
    lazy = grad(x, y, w, b)
    built = time.perf_counter() - start
    dw, db = dask.compute(*lazy)
    seconds = time.perf_counter() - start
    peak = client.run(_stop_sampling)
    chunk_mb = chunk * features * 8 / 2 ** 20
    result = {
        'rows': rows, 'features': features, 'chunk_rows': chunk, 'chunks': -(-rows // chunk),
        'x_mb': rows * features * 8 / 2 ** 20, 'chunk_mb': chunk_mb,
        'seconds': seconds, 'graph_seconds': built, 'dw': dw, 'db': db,
        'lazy_types': [type(g).__module__ + '.' + type(g).__name__ for g in lazy],
        'workers': {address: {'before_mb': before[address], 'peak_mb': peak[address],
                              'grew_mb': max(peak[address] - before[address], 0.0)} for address in peak},
    }
    result['peak_growth_mb'] = max(w['grew_mb'] for w in result['workers'].values())
    result['peak_growth_chunks'] = result['peak_growth_mb'] / chunk_mb
    if check:
        want_dw, want_db = chunkwise_numpy(client, x, y, w, b)
        result['max_error'] = float(max(np.max(np.abs(dw - want_dw) / np.max(np.abs(want_dw))),
                                        abs(float(db) - float(want_db)) / abs(float(want_db))))
    return result


def cluster(workers=2, memory_limit='256MiB'):
    """A LocalCluster of worker processes, one thread each, and its client."""
    import distributed
    local = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     memory_limit=memory_limit, dashboard_address=None)
    return local, distributed.Client(local)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rows', type=int, default=10_000_000)
    parser.add_argument('--features', type=int, default=8)
    parser.add_argument('--chunk', type=int, default=100_000)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--memory-limit', default='256MiB', help="each worker's dask memory_limit")
    options = parser.parse_args(argv)
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("bench_out_of_core needs dask[distributed]: pip install 'autograph[distributed]'")
        return 0
    local, client = cluster(options.workers, options.memory_limit)
    try:
        r = measure(client, options.rows, options.features, options.chunk)
    finally:
        client.close()
        local.close()
    print(f"x: {r['rows']:,} rows x {r['features']} features, float64 = {r['x_mb']:,.0f} MB in "
          f"{r['chunks']} chunks of {r['chunk_rows']:,} rows ({r['chunk_mb']:.1f} MB each)")
    print(f"cluster: {options.workers} worker processes, 1 thread each, memory_limit {options.memory_limit}")
    print(f"gradient: {r['seconds']:.2f} s (building the lazy graph {r['graph_seconds'] * 1000:.0f} ms); "
          f"results {', '.join(r['lazy_types'])} before compute")
    print(f"largest relative difference from NumPy chunk by chunk: {r['max_error']:.2e}")
    for address, m in sorted(r['workers'].items()):
        print(f"  worker {address}: resident {m['before_mb']:.0f} MB before, at most {m['peak_mb']:.0f} MB "
              f"while computing (sampled every 2 ms): grew {m['grew_mb']:.0f} MB")
    print(f"peak memory per worker grew by at most {r['peak_growth_mb']:.0f} MB = "
          f"{r['peak_growth_chunks']:.1f} chunks of x ({100 * r['peak_growth_mb'] / r['x_mb']:.1f}% of x)")
    return 0


if __name__ == '__main__':
    sys.exit(main())
