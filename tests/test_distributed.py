"""Data-parallel training on a Dask cluster (autograph.distributed, autograph.communication):
the same losses as one process, the gradient shipped as source text, a worker killed mid-epoch,
datasets' shards, and the errors. One cluster of 2 worker processes serves the module (starting
one costs seconds); every wait has a timeout."""
import ast
import importlib.util
import os
import pathlib
import pickle
import signal
import subprocess
import sys

import numpy as np
import pytest

distributed = pytest.importorskip('distributed')

import autograph  # noqa: E402
from autograph import communication, nn  # noqa: E402
from autograph.dataset import NumpySlicesDataset  # noqa: E402
from autograph.distributed import DataParallel, _deal, load_step, shard_gradient  # noqa: E402
from autograph.train import Callback, Model  # noqa: E402

TIMEOUT = 60
RNG = np.random.default_rng(1)
X = RNG.random((96, 8, 8)).astype(np.float32)
Y = RNG.integers(0, 10, 96).astype(np.int32)


@pytest.fixture(scope='module')
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, timeout=TIMEOUT)
    client = distributed.Client(cluster, timeout=TIMEOUT)
    yield client
    client.close()
    cluster.close()


def mlp(seed=0):
    """(the digits MLP's loss network, Adam over its Parameters), the same weights each time."""
    np.random.seed(seed)
    net = nn.SequentialCell(nn.Flatten(), nn.Dense(64, 32, activation='relu'), nn.Dense(32, 10))
    return nn.WithLossCell(net, nn.CrossEntropyLoss()), nn.Adam(net.trainable_params(), learning_rate=0.01)


def batches(batch_size, epochs=2):
    return [(X[i:i + batch_size], Y[i:i + batch_size]) for _ in range(epochs)
            for i in range(0, len(Y), batch_size)]


def single_process(batch_size):
    with_loss, optimizer = mlp()
    step = autograph.jit(nn.TrainOneStepCell(with_loss, optimizer))
    return [float(step(x, y)) for x, y in batches(batch_size)], optimizer.parameters


def data_parallel(client, batch_size, after_step=lambda k: None, **options):
    with_loss, optimizer = mlp()
    step = DataParallel(with_loss, optimizer, client, timeout=TIMEOUT, **options)
    losses = []
    for k, (x, y) in enumerate(batches(batch_size)):
        losses.append(float(step(x, y)))
        after_step(k)
    return losses, optimizer.parameters


def assert_same_training(got, expected):
    (losses, parameters), (single_losses, single_parameters) = got, expected
    np.testing.assert_allclose(losses, single_losses, rtol=2e-6)
    for p, q in zip(parameters, single_parameters):
        np.testing.assert_allclose(p.asnumpy(), q.asnumpy(), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- the outcome
def test_two_workers_train_as_one_process(client):
    assert_same_training(data_parallel(client, 32), single_process(32))


def test_unequal_shards_are_weighted_by_their_rows(client):
    # 96 rows in batches of 24 over 5 shards: shards of 5 and 4 rows
    assert_same_training(data_parallel(client, 24, num_shards=5), single_process(24))


def test_gradients_summed_when_not_averaged(client):
    with_loss, optimizer = mlp()
    x, y = X[:32], Y[:32]
    step = DataParallel(with_loss, nn.SGD(optimizer.parameters, 1.0), client, timeout=TIMEOUT,
                        gradients_mean=False)
    before = [p.asnumpy().copy() for p in optimizer.parameters]
    grad = autograph.value_and_grad(with_loss, None, weights=optimizer.parameters)
    halves = [grad(x[k::2], y[k::2])[1] for k in range(2)]
    step(x, y)
    for p, old, g0, g1 in zip(optimizer.parameters, before, *halves):
        np.testing.assert_allclose(p.asnumpy(), old - (np.asarray(g0) + np.asarray(g1)), rtol=1e-5, atol=1e-6)


def test_moving_statistics_written_by_the_step_are_averaged_over_the_shards(client):
    np.random.seed(0)
    net = nn.SequentialCell(nn.Flatten(), nn.Dense(64, 8), nn.BatchNorm1d(8), nn.Dense(8, 10))
    net.set_train(True)
    x, y = X[:32], Y[:32]
    batch_mean = (x.reshape(32, 64) @ net[1].weight.asnumpy().T + net[1].bias.asnumpy()).mean(axis=0)
    step = DataParallel(nn.WithLossCell(net, nn.CrossEntropyLoss()), nn.SGD(net.trainable_params(), 0.1),
                        client, timeout=TIMEOUT)
    step(x, y)
    # 0.9 * 0 + 0.1 * the mean of the shards' means, which is the batch's mean
    np.testing.assert_allclose(net[2].moving_mean.asnumpy(), 0.1 * batch_mean, rtol=1e-5, atol=1e-7)


def test_model_trains_data_parallel_under_the_auto_parallel_context(client):
    def train():
        with_loss, optimizer = mlp()
        recorder = Recorder()
        Model(with_loss, None, optimizer).train(2, batches(32, epochs=1), callbacks=[recorder])
        return recorder.losses
    alone = train()
    autograph.set_auto_parallel_context(parallel_mode='data_parallel', gradients_mean=True)
    communication.init(client=client)
    try:
        assert communication.get_group_size() == 2 and communication.get_rank() == 0
        np.testing.assert_allclose(train(), alone, rtol=2e-6)
    finally:
        communication.release()
        autograph.reset_auto_parallel_context()


class Recorder(Callback):
    def __init__(self):
        self.losses = []

    def on_train_step_end(self, run_context):
        self.losses.append(float(run_context.original_args().net_outputs))


# ---------------------------------------------------------------- what travels
def test_the_workers_get_source_text_and_compile_it_once(client, monkeypatch):
    client.run(load_step.cache_clear)
    sent = []
    submit = client.submit

    def recording(fn, *args, **kwargs):
        sent.append((fn, args))
        return submit(fn, *args, **kwargs)
    monkeypatch.setattr(client, 'submit', recording)
    with_loss, optimizer = mlp()
    step = DataParallel(with_loss, optimizer, client, timeout=TIMEOUT)
    for x, y in batches(32, epochs=1):
        step(x, y)
    gradients = [args for fn, args in sent if fn is shard_gradient]
    assert len(gradients) == 6
    # the task function travels by name (plain pickle refuses a function it cannot import)...
    assert b'autograph.distributed' in pickle.dumps(shard_gradient) and len(pickle.dumps(shard_gradient)) < 100
    # ...and what it runs as a str: the generated module get_source prints, importing only
    # NumPy and runtime.kernels
    source, entry = gradients[0][0][:2]
    x, y = batches(32)[0]
    fresh = autograph.value_and_grad(with_loss, None, weights=optimizer.parameters)
    assert isinstance(source, str) and source == autograph.get_source(fresh, x[::2], y[::2])
    assert f'def {entry}(' in source and source == step.source(x, y)
    imports = {n.module if isinstance(n, ast.ImportFrom) else a.name
               for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.Import, ast.ImportFrom))
               for a in n.names}
    assert imports and all(m == 'numpy' or m.startswith('runtime.kernels') for m in imports)
    assert not any(callable(a) for args in gradients for a in args)
    # each worker compiled the one source once, and reused it
    misses = client.run(lambda: load_step.cache_info().misses)
    assert sorted(misses.values()) == [1, 1]


# ---------------------------------------------------------------- faults
class KillOnce(distributed.WorkerPlugin):
    """Kills the worker's process (SIGKILL, no cleanup) when it starts its `at`-th gradient task,
    on the first worker to get there: `marker` is made once."""

    def __init__(self, marker, at):
        self.marker, self.at, self.started = str(marker), at, 0

    def transition(self, key, start, finish, **kwargs):
        if finish != 'executing' or not str(key).startswith('shard_gradient'):
            return
        self.started += 1
        if self.started == self.at:
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return
            os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_in_a_gradient_task_changes_nothing(client, tmp_path):
    expected = data_parallel(client, 32)
    before = set(client.run(os.getpid).values())
    marker = tmp_path / 'killed'
    client.register_plugin(KillOnce(marker, at=2), name='kill-once')
    try:
        got = data_parallel(client, 32)
    finally:
        client.unregister_worker_plugin('kill-once')
    assert marker.exists()
    assert_restarted(client, before)
    assert_identical(got, expected)


def test_a_worker_killed_between_steps_changes_nothing(client):
    expected = data_parallel(client, 32)
    before = set(client.run(os.getpid).values())

    def kill(k):
        if k == 1:     # of 6 steps: mid-epoch, holding the Parameters or a partial sum
            os.kill(min(before), signal.SIGKILL)
    assert_identical(data_parallel(client, 32, after_step=kill), expected)
    assert_restarted(client, before)


def assert_restarted(client, pids):
    client.wait_for_workers(2, timeout=TIMEOUT)      # the nanny restarts the killed one
    assert set(client.run(os.getpid).values()) != pids


def assert_identical(got, expected):
    np.testing.assert_array_equal(got[0], expected[0])
    for p, q in zip(got[1], expected[1]):
        np.testing.assert_array_equal(p.asnumpy(), q.asnumpy())


# ---------------------------------------------------------------- datasets' shards
@pytest.mark.parametrize('rows', [96, 90])
def test_a_shard_of_the_batches_is_the_datasets_shard(rows):
    """Over an epoch of unshuffled batches, shard k of each batch holds the rows that
    NumpySlicesDataset(..., num_shards=2, shard_id=k) gives (batches of a multiple of 2 rows)."""
    index = np.arange(rows)
    for k in range(2):
        dealt = np.concatenate([_deal((index[i:i + 16],), 2)[k][0] for i in range(0, rows, 16)])
        shard = NumpySlicesDataset(index, shuffle=False, num_shards=2, shard_id=k)
        assert dealt.tolist() == [int(r[0]) for r in shard.create_tuple_iterator(output_numpy=True)]


def test_shuffled_shards_of_one_seed_cover_every_row_once():
    autograph.dataset.config.set_seed(3)
    shards = [[int(r[0]) for r in NumpySlicesDataset(np.arange(10), shuffle=True, num_shards=2, shard_id=k)
               .create_tuple_iterator(output_numpy=True)] for k in range(2)]
    assert sorted(shards[0] + shards[1]) == list(range(10)) and shards[0] != list(range(0, 10, 2))


# ---------------------------------------------------------------- the example
def test_the_digits_example_trains_as_one_process(client):
    pytest.importorskip('sklearn')
    path = pathlib.Path(__file__).resolve().parents[1] / 'examples' / 'train_digits_dask.py'
    spec = importlib.util.spec_from_file_location('train_digits_dask', path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    step, losses = example.train(client, epochs=1, batch_size=256, progress=False)
    np.testing.assert_allclose(losses, example.train_single(epochs=1, batch_size=256, progress=False), rtol=1e-5)
    assert len(losses) == 5 and losses[-1] < losses[0]


# ---------------------------------------------------------------- errors
def test_without_a_cluster_the_error_says_how_to_get_one():
    with_loss, optimizer = mlp()
    with pytest.raises(RuntimeError, match=r'communication.init\(client=\.\.\.\)'):
        DataParallel(with_loss, optimizer)
    with pytest.raises(RuntimeError, match='init'):
        communication.get_group_size()


def test_init_without_a_client_or_scheduler_says_how_to_start_one(monkeypatch):
    monkeypatch.setattr(distributed, 'default_client', lambda: (_ for _ in ()).throw(ValueError()))
    monkeypatch.delenv('DASK_SCHEDULER_ADDRESS', raising=False)
    with pytest.raises(RuntimeError, match='LocalCluster'):
        communication.init()
    with pytest.raises(ValueError, match='Dask'):
        communication.init('nccl')


def test_without_dask_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, 'distributed', None)
    with_loss, optimizer = mlp()
    with pytest.raises(ImportError, match=r"autograph\[distributed\]"):
        DataParallel(with_loss, optimizer)


def test_bad_batches_and_modes_are_refused(client):
    with_loss, optimizer = mlp()
    step = DataParallel(with_loss, optimizer, client, timeout=TIMEOUT)
    with pytest.raises(ValueError, match='same number of rows'):
        step(X[:8], Y[:6])
    with pytest.raises(ValueError, match='num_shards'):
        DataParallel(with_loss, optimizer, client, num_shards=0)
    with pytest.raises(ValueError, match='data_parallel'):
        autograph.set_auto_parallel_context(parallel_mode='semi_auto_parallel')


def test_import_autograph_does_not_import_dask():
    code = "import sys, autograph; print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=TIMEOUT)
    assert out.stdout.strip() == '[]', out.stderr
