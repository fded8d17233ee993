"""Train a classifier on scikit-learn's digits (8x8 images of handwritten digits, 10 classes) with
autograph, then print the generated code of one training step.

    python examples/train_digits.py                 # the MLP
    python examples/train_digits.py --model cnn     # a small convolutional network
    python examples/train_digits.py --plot loss.png # also draw the loss curve

The data ships inside scikit-learn (no download). The whole training step (forward, adjoint and
the Adam update of every Parameter) is one compiled function: `train_step` below.
Needs the examples extra: pip install -e '.[examples]'.
"""
import argparse
import sys

import numpy as np

import autograph
from autograph import nn, Tensor
from autograph.dataset import NumpySlicesDataset


def load_digits(seed):
    """(train_x, train_y, test_x, test_y): float32 images scaled to [0, 1], int32 labels."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        sys.exit("this example needs scikit-learn: pip install -e '.[examples]'")
    digits = sklearn_digits()
    images = (digits.images / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int32)
    order = np.random.default_rng(seed).permutation(len(labels))
    split = int(0.8 * len(labels))
    train, test = order[:split], order[split:]
    return images[train], labels[train], images[test], labels[test]


def mlp():
    return nn.SequentialCell(nn.Flatten(), nn.Dense(64, 128, activation='relu'), nn.Dense(128, 10))


def cnn():
    return nn.SequentialCell(
        nn.Conv2d(1, 8, 3, pad_mode='same', has_bias=True), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, 3, pad_mode='same', has_bias=True), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Dense(16 * 2 * 2, 10))


def train(model='mlp', epochs=10, batch_size=32, learning_rate=0.01, seed=0, progress=True):
    """Train and return (net, train_step, losses per step, test accuracy)."""
    np.random.seed(seed)                       # the initial weights
    train_x, train_y, test_x, test_y = load_digits(seed)
    if model == 'cnn':
        train_x, test_x = train_x[:, None], test_x[:, None]     # NCHW, one channel
    net = cnn() if model == 'cnn' else mlp()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nn.Adam(net.trainable_params(), learning_rate=learning_rate)

    def forward(x, y):
        return loss_fn(net(x), y)

    grad_fn = autograph.value_and_grad(forward, None, weights=net.trainable_params())

    @autograph.jit
    def train_step(x, y):
        loss, grads = grad_fn(x, y)
        optimizer(grads)
        return loss

    net.set_train(True)
    data = NumpySlicesDataset((train_x, train_y), column_names=['image', 'label'], shuffle=False)
    data = data.shuffle(len(train_y), seed=seed).batch(batch_size, drop_remainder=True)
    losses = []
    for epoch in range(epochs):
        batches = _progress(data.create_tuple_iterator(), data.get_dataset_size(),
                            f'epoch {epoch + 1}/{epochs}', progress)
        for x, y in batches:
            losses.append(float(train_step(x, y)))
            _report(batches, losses, progress)
    net.set_train(False)
    predictions = np.argmax(autograph.jit(net)(Tensor(test_x)).asnumpy(), axis=1)
    return net, train_step, losses, float(np.mean(predictions == test_y))


def _progress(iterator, total, description, enabled):
    """A tqdm bar when tqdm is there and wanted, else the plain iterator."""
    if not enabled:
        return iterator
    try:
        from tqdm import tqdm
    except ImportError:
        return iterator
    return tqdm(iterator, total=total, desc=description, leave=True)


def _report(batches, losses, enabled):
    if enabled and hasattr(batches, 'set_postfix'):
        batches.set_postfix(loss=f'{np.mean(losses[-10:]):.3f}', refresh=False)


def plot(losses, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(6, 3.5))
    axes.plot(losses, linewidth=0.8)
    axes.set_xlabel('step')
    axes.set_ylabel('cross-entropy loss')
    axes.set_title('digits: training loss')
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', choices=['mlp', 'cnn'], default='mlp')
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--plot', metavar='PNG', help='write the loss curve to this file')
    parser.add_argument('--quiet', action='store_true', help='no progress bars')
    options = parser.parse_args()
    net, train_step, losses, accuracy = train(options.model, options.epochs, progress=not options.quiet)
    print(f'\n{options.model}: test accuracy {accuracy:.1%} after {options.epochs} epochs '
          f'(final loss {np.mean(losses[-20:]):.4f})')
    if options.plot:
        plot(losses, options.plot)
        print(f'loss curve written to {options.plot}')
    print('\nThe generated code of one training step (forward, adjoint and Adam update):\n')
    print(autograph.get_source(train_step))


if __name__ == '__main__':
    main()
