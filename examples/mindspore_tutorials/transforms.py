"""MindSpore 2.x beginner tutorial "Transforms", on autograph: only the import and the data
download differ (a small synthetic MNIST written to a temporary folder). Needs Pillow."""
import numpy as np
from PIL import Image
from autograph.dataset import transforms, vision, text
from autograph.dataset import GeneratorDataset, MnistDataset

# Common Transforms: Compose
# The tutorial downloads MNIST into ./MNIST_Data; a synthetic one in a temporary folder instead.
import os, tempfile
from synthetic_mnist import download
os.chdir(tempfile.mkdtemp())
download('MNIST_Data')

train_dataset = MnistDataset('MNIST_Data/train')

image, label = next(train_dataset.create_tuple_iterator())
print(image.shape)

composed = transforms.Compose(
    [
        vision.Rescale(1.0 / 255.0, 0),
        vision.Normalize(mean=(0.1307,), std=(0.3081,)),
        vision.HWC2CHW()
    ]
)

train_dataset = train_dataset.map(composed, 'image')
image, label = next(train_dataset.create_tuple_iterator())
print(image.shape)

# Vision Transforms: Rescale
random_np = np.random.randint(0, 255, (48, 48), np.uint8)
random_image = Image.fromarray(random_np)
print(random_np)

rescale = vision.Rescale(1.0 / 255.0, 0)
rescaled_image = rescale(random_image)
print(rescaled_image)

# Normalize
normalize = vision.Normalize(mean=(0.1307,), std=(0.3081,))
normalized_image = normalize(rescaled_image)
print(normalized_image)

# HWC2CHW
hwc_image = np.expand_dims(normalized_image, -1)
hwc2chw = vision.HWC2CHW()
chw_image = hwc2chw(hwc_image)
print(hwc_image.shape, chw_image.shape)

# Text Transforms
texts = ['Welcome to Beijing']

test_dataset = GeneratorDataset(texts, 'text')


# PythonTokenizer
def my_tokenizer(content):
    return content.split()


test_dataset = test_dataset.map(text.PythonTokenizer(my_tokenizer))
print(next(test_dataset.create_tuple_iterator()))

# Lookup
vocab = text.Vocab.from_dataset(test_dataset)

print(vocab.vocab())

test_dataset = test_dataset.map(text.Lookup(vocab))
print(next(test_dataset.create_tuple_iterator()))

# Lambda Transforms
test_dataset = GeneratorDataset([1, 2, 3], 'data', shuffle=False)
test_dataset = test_dataset.map(lambda x: x * 2)
print(list(test_dataset.create_tuple_iterator()))


def func(x):
    return x * x + 2


test_dataset = test_dataset.map(lambda x: func(x))

print(list(test_dataset.create_tuple_iterator()))
