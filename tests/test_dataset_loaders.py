"""The loaders read files that these tests write: MNIST's IDX format, CIFAR-10's binary batches,
and a folder of files per class."""
import struct

import numpy as np
import pytest

from autograph import dataset as ds


def write_idx(path, array):
    codes = {np.dtype(np.uint8): 0x08, np.dtype('>i4'): 0x0C}
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(f'>{array.ndim}I',
                                                                        *array.shape)
    path.write_bytes(header + array.tobytes())


def mnist_dir(tmp_path):
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (5, 28, 28)).astype(np.uint8)
    test = rng.integers(0, 256, (3, 28, 28)).astype(np.uint8)
    write_idx(tmp_path / 'train-images-idx3-ubyte', train)
    write_idx(tmp_path / 'train-labels-idx1-ubyte', np.array([5, 0, 4, 1, 9], np.uint8))
    write_idx(tmp_path / 't10k-images-idx3-ubyte', test)
    write_idx(tmp_path / 't10k-labels-idx1-ubyte', np.array([7, 2, 1], np.uint8))
    return train, test


def rows(dataset):
    return list(dataset.create_tuple_iterator(output_numpy=True, num_epochs=1))


def test_mnist_reads_idx_files(tmp_path):
    train, test = mnist_dir(tmp_path)
    data = ds.MnistDataset(str(tmp_path), usage='train', shuffle=False)
    assert data.get_col_names() == ['image', 'label'] and data.get_dataset_size() == 5
    got = rows(data)
    assert [int(label) for _, label in got] == [5, 0, 4, 1, 9]
    image, label = got[2]
    assert image.shape == (28, 28, 1) and image.dtype == np.uint8 and label.dtype == np.uint32
    np.testing.assert_array_equal(image[:, :, 0], train[2])
    everything = ds.MnistDataset(tmp_path, shuffle=False)
    assert [int(label) for _, label in rows(everything)] == [5, 0, 4, 1, 9, 7, 2, 1]
    np.testing.assert_array_equal(rows(ds.MnistDataset(tmp_path, 'test', shuffle=False))[1][0][..., 0],
                                  test[1])
    shuffled = ds.MnistDataset(tmp_path, num_samples=4)
    assert shuffled.get_dataset_size() == 4 and len(rows(shuffled)) == 4
    shard = ds.MnistDataset(tmp_path, 'train', num_shards=2, shard_id=1, shuffle=False)
    assert [int(label) for _, label in rows(shard)] == [0, 1, 5]


def test_mnist_in_a_training_pipeline(tmp_path):
    mnist_dir(tmp_path)
    from autograph.dataset import transforms, vision
    data = ds.MnistDataset(tmp_path, 'train', shuffle=False, num_parallel_workers=2)
    data = data.map([vision.Rescale(1 / 255, 0), vision.HWC2CHW()], input_columns='image',
                    num_parallel_workers=2)
    data = data.map(transforms.TypeCast(np.int32), input_columns='label').batch(2)
    image, label = rows(data)[0]
    assert image.shape == (2, 1, 28, 28) and image.dtype == np.float32 and image.max() <= 1
    assert label.tolist() == [5, 0] and label.dtype == np.int32


def test_mnist_all_reads_the_parts_present(tmp_path):
    """MNIST unpacks into train/ and test/ folders, each with one part's files; MindSpore's
    MnistDataset(folder) (usage None, 'all') reads the part it finds."""
    train = tmp_path / 'train'
    train.mkdir()
    write_idx(train / 'train-images-idx3-ubyte', np.zeros((2, 28, 28), np.uint8))
    write_idx(train / 'train-labels-idx1-ubyte', np.array([3, 4], np.uint8))
    assert [int(label) for _, label in rows(ds.MnistDataset(str(train), shuffle=False))] == [3, 4]
    test = tmp_path / 'test'
    test.mkdir()
    write_idx(test / 't10k-images-idx3-ubyte', np.zeros((1, 28, 28), np.uint8))
    write_idx(test / 't10k-labels-idx1-ubyte', np.array([7], np.uint8))
    assert [int(label) for _, label in rows(ds.MnistDataset(test, 'all', shuffle=False))] == [7]
    with pytest.raises(RuntimeError, match="t10k-images-idx3-ubyte is missing"):
        ds.MnistDataset(train, 'test')
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte is missing"):
        ds.MnistDataset(tmp_path)            # no part at all


def test_mnist_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        ds.MnistDataset(str(tmp_path / 'nowhere'))
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte is missing"):
        ds.MnistDataset(tmp_path, 'train')
    (tmp_path / 'train-images-idx3-ubyte').write_bytes(b'\x12\x34\x56\x78')
    (tmp_path / 'train-labels-idx1-ubyte').write_bytes(b'')
    with pytest.raises(RuntimeError, match="not an IDX file"):
        ds.MnistDataset(tmp_path, 'train')
    with pytest.raises(ValueError, match="`usage` must be one of"):
        ds.MnistDataset(tmp_path, 'valid')


def test_cifar10_reads_binary_batches(tmp_path):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (7, 3, 32, 32)).astype(np.uint8)     # channel-major on disk
    labels = np.array([3, 1, 4, 1, 5, 9, 2], np.uint8)
    records = np.concatenate([labels[:, None], images.reshape(7, -1)], axis=1)
    (tmp_path / 'data_batch_1.bin').write_bytes(records[:3].tobytes())
    (tmp_path / 'data_batch_2.bin').write_bytes(records[3:5].tobytes())
    (tmp_path / 'test_batch.bin').write_bytes(records[5:].tobytes())
    train = ds.Cifar10Dataset(str(tmp_path), usage='train', shuffle=False)
    assert train.get_dataset_size() == 5
    got = rows(train)
    assert [int(label) for _, label in got] == [3, 1, 4, 1, 5]
    image, label = got[4]
    assert image.shape == (32, 32, 3) and image.dtype == np.uint8 and label.dtype == np.uint32
    np.testing.assert_array_equal(image, images[4].transpose(1, 2, 0))
    test = rows(ds.Cifar10Dataset(tmp_path, usage='test', shuffle=False))
    assert [int(label) for _, label in test] == [9, 2]
    assert ds.Cifar10Dataset(tmp_path).get_dataset_size() == 7
    (tmp_path / 'data_batch_3.bin').write_bytes(b'\0' * 100)
    with pytest.raises(RuntimeError, match="3073-byte records"):
        ds.Cifar10Dataset(tmp_path)


def test_cifar10_without_batches(tmp_path):
    with pytest.raises(RuntimeError, match="no CIFAR-10 binary batches"):
        ds.Cifar10Dataset(tmp_path)


def test_image_folder_reads_bytes_and_labels(tmp_path):
    for label, names in {'cat': ['b.png', 'a.png'], 'dog': ['c.png', 'notes.txt']}.items():
        (tmp_path / label).mkdir()
        for name in names:
            (tmp_path / label / name).write_bytes(f'{label}/{name}'.encode())
    data = ds.ImageFolderDataset(str(tmp_path), shuffle=False, extensions=['.png'])
    got = [(bytes(image).decode(), int(label)) for image, label in rows(data)]
    assert got == [('cat/a.png', 0), ('cat/b.png', 0), ('dog/c.png', 1)]
    assert rows(data)[0][1].dtype == np.int32 and data.get_class_indexing() == {'cat': 0, 'dog': 1}
    assert ds.ImageFolderDataset(tmp_path).get_dataset_size() == 4
    only_dogs = ds.ImageFolderDataset(tmp_path, shuffle=False, class_indexing={'dog': 7})
    assert [int(label) for _, label in rows(only_dogs)] == [7, 7]


def test_image_folder_decodes_with_pillow(tmp_path):
    image_module = pytest.importorskip('PIL.Image')
    (tmp_path / 'red').mkdir()
    pixels = np.zeros((4, 5, 3), np.uint8)
    pixels[..., 0] = 200
    image_module.fromarray(pixels).save(tmp_path / 'red' / 'x.png')
    image, label = rows(ds.ImageFolderDataset(tmp_path, decode=True))[0]
    np.testing.assert_array_equal(image, pixels)
    assert int(label) == 0
