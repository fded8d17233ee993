"""MindSpore 2.x beginner tutorial "Dataset", on autograph: only the import and the data download
differ (a small synthetic MNIST written to a temporary folder). Needs matplotlib."""
import numpy as np
from autograph.dataset import vision
from autograph.dataset import MnistDataset, GeneratorDataset
import matplotlib.pyplot as plt

# The tutorial downloads MNIST into ./MNIST_Data; a synthetic one in a temporary folder instead.
import os, tempfile
from synthetic_mnist import download
os.chdir(tempfile.mkdtemp())
download('MNIST_Data')

# Loading a Dataset
train_dataset = MnistDataset("MNIST_Data/train", shuffle=False)
print(type(train_dataset))


# Iterating a Dataset
def visualize(dataset):
    figure = plt.figure(figsize=(4, 4))
    cols, rows = 3, 3

    for idx, (image, label) in enumerate(dataset.create_tuple_iterator()):
        figure.add_subplot(rows, cols, idx + 1)
        plt.title(int(label))
        plt.axis("off")
        plt.imshow(image.asnumpy().squeeze(), cmap="gray")
        if idx == cols * rows - 1:
            break
    plt.show()


visualize(train_dataset)

# shuffle
train_dataset = train_dataset.shuffle(buffer_size=64)

visualize(train_dataset)

# map
image, label = next(train_dataset.create_tuple_iterator())
print(image.shape, image.dtype)

train_dataset = train_dataset.map(vision.Rescale(1.0 / 255.0, 0), input_columns='image')

image, label = next(train_dataset.create_tuple_iterator())
print(image.shape, image.dtype)

# batch
train_dataset = train_dataset.batch(batch_size=32)

image, label = next(train_dataset.create_tuple_iterator())
print(image.shape, image.dtype)


# Customizing Dataset: random-accessible object as input source
class RandomAccessDataset:
    def __init__(self):
        self._data = np.ones((5, 2))
        self._label = np.zeros((5, 1))

    def __getitem__(self, index):
        return self._data[index], self._label[index]

    def __len__(self):
        return len(self._data)


loader = RandomAccessDataset()
dataset = GeneratorDataset(source=loader, column_names=["data", "label"])

for data in dataset:
    print(data)

# list, tuple are also supported.
loader = [np.array(0), np.array(1), np.array(2)]
dataset = GeneratorDataset(source=loader, column_names=["data"])

for data in dataset:
    print(data)


# Iterator as input source
class IterableDataset():
    def __init__(self, start, end):
        '''init the class object to hold the data'''
        self.start = start
        self.end = end

    def __next__(self):
        '''iter one data and return'''
        return next(self.data)

    def __iter__(self):
        '''reset the iter'''
        self.data = iter(range(self.start, self.end))
        return self


loader = IterableDataset(1, 5)
dataset = GeneratorDataset(source=loader, column_names=["data"])

for d in dataset:
    print(d)


# Generator
def my_generator(start, end):
    for i in range(start, end):
        yield i


# since a generator instance can be only itered once, we need to wrapper it by lambda to generate multiple instances
dataset = GeneratorDataset(source=lambda: my_generator(3, 6), column_names=["data"])

for d in dataset:
    print(d)
