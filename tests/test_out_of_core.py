"""Out-of-core gradients (benchmarks/bench_out_of_core.py, smaller): the gradient of a linear
model's mean-squared error over a dask.array batch of 3 million rows in 40 chunks, on a
LocalCluster of 2 worker processes with 256 MiB each, equals NumPy's computed chunk by chunk,
and no worker's memory grows by more than a third of the batch while computing it."""
import pathlib
import sys

import pytest

distributed = pytest.importorskip('distributed')
pytest.importorskip('psutil')

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'benchmarks'))
import bench_out_of_core  # noqa: E402


@pytest.fixture(scope='module')
def client():
    local, client = bench_out_of_core.cluster(workers=2, memory_limit='256MiB')
    yield client
    client.close()
    local.close()


def test_a_gradient_over_a_batch_no_worker_holds(client):
    r = bench_out_of_core.measure(client, rows=3_000_000, features=8, chunk=75_000)
    assert r['lazy_types'] == ['dask.array.core.Array'] * 2       # lazy until dask computes them
    assert r['max_error'] < 1e-12
    assert r['dw'].shape == (8,) and r['db'].shape == ()
    # x is 183 MB in chunks of 4.6 MB; each worker may hold a few chunks at a time.
    assert r['peak_growth_mb'] < r['x_mb'] / 3, r['workers']
