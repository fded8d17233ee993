"""Train the digits MLP of train_digits.py data-parallel on a Dask cluster.

    python examples/train_digits_dask.py                               # a local cluster: 2 worker processes
    python examples/train_digits_dask.py --scheduler tcp://host:8786   # a cluster already running
    python examples/train_digits_dask.py --compare                     # and the same training in one process

Each step deals the batch's rows to the workers; each worker runs the generated gradient (sent
as source text, printed at the end) on its shard; Dask sums the gradients, weighted by rows, in a
tree of tasks; this process runs Adam on the sum and sends the new Parameters back. The losses
are those of training in one process on the whole batch, to float32 rounding (--compare prints
both). The workers need numpy, dask[distributed] and autograph installed.
Needs the examples and distributed extras: pip install -e '.[examples,distributed]'.
"""
import argparse
import importlib.util
import pathlib
import time

import numpy as np

import autograph
from autograph import nn
from autograph.dataset import NumpySlicesDataset
from autograph.distributed import DataParallel

# The data and the network are train_digits.py's.
_spec = importlib.util.spec_from_file_location('train_digits', pathlib.Path(__file__).with_name('train_digits.py'))
train_digits = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train_digits)


def batches(seed, batch_size):
    """The training set, shuffled each epoch (the same orders for every run with this seed)."""
    train_x, train_y, _, _ = train_digits.load_digits(seed)
    data = NumpySlicesDataset((train_x, train_y), column_names=['image', 'label'], shuffle=False)
    return data.shuffle(len(train_y), seed=seed).batch(batch_size, drop_remainder=True)


def network(seed):
    """(the MLP, its loss network, Adam over its Parameters), the weights drawn from `seed`."""
    np.random.seed(seed)
    net = train_digits.mlp()
    return net, nn.WithLossCell(net, nn.CrossEntropyLoss()), nn.Adam(net.trainable_params(), learning_rate=0.01)


def train(client, epochs=5, batch_size=64, seed=0, progress=True):
    """Train on the cluster of `client`; returns (the DataParallel step, the losses per step)."""
    net, with_loss, optimizer = network(seed)
    step = DataParallel(with_loss, optimizer, client, timeout=120)
    return step, _epochs(step, batches(seed, batch_size), epochs, progress, f'{step.num_shards} workers')


def train_single(epochs=5, batch_size=64, seed=0, progress=True):
    """The same training in this process: the losses per step."""
    net, with_loss, optimizer = network(seed)
    step = autograph.jit(nn.TrainOneStepCell(with_loss, optimizer))
    return _epochs(step, batches(seed, batch_size), epochs, progress, 'one process')


def _epochs(step, data, epochs, progress, where):
    losses = []
    for epoch in range(epochs):
        start = time.perf_counter()
        for x, y in data.create_tuple_iterator(output_numpy=True):
            losses.append(float(step(x, y)))
        if progress:
            steps = data.get_dataset_size()
            print(f'{where}: epoch {epoch + 1}/{epochs}, loss {np.mean(losses[-steps:]):.4f} '
                  f'({steps} steps, {time.perf_counter() - start:.2f} s)', flush=True)
    return losses


def connect(scheduler, workers):
    """A Client of the scheduler at `scheduler`, or of a new local cluster of worker processes."""
    from dask.distributed import Client, LocalCluster
    if scheduler:
        return Client(scheduler)
    return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--scheduler', metavar='ADDRESS', help="a running scheduler ('tcp://host:8786'); "
                        'default: a local cluster')
    parser.add_argument('--workers', type=int, default=2, help='workers of the local cluster (default 2)')
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--batch-size', type=int, default=64, help='rows per step, over all workers')
    parser.add_argument('--compare', action='store_true', help='also train in one process, and compare')
    options = parser.parse_args()
    client = connect(options.scheduler, options.workers)
    try:
        print(f'Dask dashboard: {client.dashboard_link}')
        step, losses = train(client, options.epochs, options.batch_size)
        if options.compare:
            single = train_single(options.epochs, options.batch_size)
            worst = np.max(np.abs(np.subtract(losses, single)) / np.abs(single))
            print(f'\nlast losses: {losses[-1]:.7f} on the cluster, {single[-1]:.7f} in one process; '
                  f'largest relative difference over {len(losses)} steps: {worst:.1e}')
        print('\nWhat each worker runs on its shard (the generated gradient, sent as text):\n')
        print(step.source(*next(batches(0, options.batch_size).create_tuple_iterator(output_numpy=True))))
    finally:
        client.close()
        if client.cluster is not None:
            client.cluster.close()


if __name__ == '__main__':
    main()
