"""A small, learnable stand-in for MNIST, written in the IDX format MnistDataset reads.

The tutorials download MNIST into `MNIST_Data/train` and `MNIST_Data/test`; `download(root)`
writes the same layout with synthetic 28x28 digits: digit k is a bright bar (horizontal for
0-4, vertical for 5-9) at a position given by k, jittered by a pixel and drawn over noise.
"""
import os

import numpy as np

FILES = {'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
         'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')}


def digits(count, seed):
    """`count` images (count, 28, 28) uint8 and their labels (count,) uint8."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count).astype(np.uint8)
    images = rng.integers(0, 60, (count, 28, 28)).astype(np.float64)
    for image, label in zip(images, labels):
        start = 3 + 5 * (label % 5) + rng.integers(-1, 2)
        if label < 5:
            image[start:start + 3, 4:24] += 180
        else:
            image[4:24, start:start + 3] += 180
    return np.clip(images, 0, 255).astype(np.uint8), labels


def write_idx(path, array):
    """An IDX file: two zero bytes, the type byte (0x08: uint8), the number of dimensions, the
    sizes as big-endian 4-byte integers, then the values."""
    with open(path, 'wb') as f:
        f.write(bytes([0, 0, 0x08, array.ndim]))
        f.write(np.asarray(array.shape, '>u4').tobytes())
        f.write(np.ascontiguousarray(array, np.uint8).tobytes())


def download(root='MNIST_Data', train=1280, test=320):
    """Writes `root/train` and `root/test` as the MNIST download unpacks them."""
    for part, count, seed in (('train', train, 0), ('test', test, 1)):
        folder = os.path.join(root, part)
        os.makedirs(folder, exist_ok=True)
        images, labels = digits(count, seed)
        image_file, label_file = FILES[part]
        write_idx(os.path.join(folder, image_file), images)
        write_idx(os.path.join(folder, label_file), labels)
    return root
