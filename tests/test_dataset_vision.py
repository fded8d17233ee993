"""`autograph.dataset.vision` and `.transforms` against NumPy, called directly and in `map`,
and random transforms reproducible under a seed whatever the number of threads."""
import numpy as np
import pytest

import autograph
from autograph import Tensor
from autograph import dataset as ds
from autograph import seed as global_seed
from autograph.dataset import transforms, vision

IMAGE = np.random.default_rng(0).integers(0, 256, (6, 8, 3)).astype(np.uint8)


@pytest.fixture(autouse=True)
def no_seed():
    ds.config.set_seed(None)
    global_seed.set_seed(None)
    yield
    ds.config.set_seed(None)
    global_seed.set_seed(None)


def test_imports_as_in_mindspore():
    import autograph.dataset.transforms as t
    import autograph.dataset.vision as v
    assert v is vision and t is transforms and ds.vision is vision


def test_rescale_normalize_hwc2chw_totensor():
    out = vision.Rescale(1 / 255, -0.5)(IMAGE)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, IMAGE / 255 - 0.5, rtol=1e-6, atol=1e-6)
    mean, std = [10.0, 20.0, 30.0], [2.0, 4.0, 8.0]
    normal = vision.Normalize(mean, std)(IMAGE)
    np.testing.assert_allclose(normal, (IMAGE - np.array(mean)) / np.array(std), rtol=1e-6)
    chw = vision.HWC2CHW()(IMAGE)
    assert chw.shape == (3, 6, 8) and np.array_equal(chw, IMAGE.transpose(2, 0, 1))
    normal_chw = vision.Normalize(mean, std, is_hwc=False)(chw)
    np.testing.assert_allclose(normal_chw, normal.transpose(2, 0, 1), rtol=1e-6)
    tensor = vision.ToTensor()(IMAGE)
    assert tensor.dtype == np.float32 and tensor.shape == (3, 6, 8)
    np.testing.assert_allclose(tensor, IMAGE.transpose(2, 0, 1) / 255, rtol=1e-6)
    assert vision.HWC2CHW()(IMAGE[:, :, 0]).shape == (1, 6, 8)
    assert isinstance(vision.Rescale(2, 0)(Tensor(IMAGE)), np.ndarray)


def test_resize():
    ramp = np.arange(4, dtype=np.float32)[None, :].repeat(2, 0)        # 2 x 4, values 0..3
    wide = vision.Resize((2, 8))(ramp)
    # pixel centres: output x maps to (x + 0.5) / 2 - 0.5, clamped to [0, 3]
    expected = np.clip((np.arange(8) + 0.5) / 2 - 0.5, 0, 3)
    np.testing.assert_allclose(wide, np.tile(expected, (2, 1)), rtol=1e-6)
    assert vision.Resize(3)(IMAGE).shape == (3, 4, 3)              # smaller edge to 3
    assert vision.Resize(4)(IMAGE.transpose(1, 0, 2)).shape == (5, 4, 3)
    half = vision.Resize((3, 4), vision.Inter.NEAREST)(IMAGE)
    np.testing.assert_array_equal(half, IMAGE[::2, ::2])
    same = vision.Resize((6, 8))(IMAGE)
    np.testing.assert_array_equal(same, IMAGE)
    assert same.dtype == np.uint8
    with pytest.raises(TypeError, match="vision.Inter"):
        vision.Resize(3, 'linear')
    with pytest.raises(RuntimeError, match="<H, W> or <H, W, C>"):
        vision.Resize(3)(np.zeros(5))


def test_random_crop_and_flip():
    ds.config.set_seed(0)
    crop = vision.RandomCrop(4)
    windows = {tuple(map(tuple, crop(IMAGE[:, :, 0]))) for _ in range(30)}
    assert len(windows) > 1
    for window in windows:
        window = np.array(window)
        assert any(np.array_equal(window, IMAGE[y:y + 4, x:x + 4, 0])
                   for y in range(3) for x in range(5))
    padded = vision.RandomCrop((6, 8), padding=2, fill_value=7)(IMAGE)
    assert padded.shape == (6, 8, 3)
    grown = vision.RandomCrop(10, pad_if_needed=True)(IMAGE)
    assert grown.shape == (10, 10, 3)
    with pytest.raises(RuntimeError, match="bigger than"):
        vision.RandomCrop(10)(IMAGE)
    always = vision.RandomHorizontalFlip(prob=1.0)(IMAGE)
    np.testing.assert_array_equal(always, IMAGE[:, ::-1])
    np.testing.assert_array_equal(vision.RandomHorizontalFlip(prob=0.0)(IMAGE), IMAGE)
    np.testing.assert_array_equal(vision.RandomVerticalFlip(prob=1.0)(IMAGE), IMAGE[::-1])
    flips = [vision.RandomHorizontalFlip()(IMAGE)[0, 0, 0] == IMAGE[0, -1, 0] for _ in range(40)]
    assert 5 < sum(flips) < 35
    np.testing.assert_array_equal(vision.CenterCrop(2)(IMAGE), IMAGE[2:4, 3:5])


def test_type_cast_one_hot_compose():
    assert transforms.TypeCast(autograph.int32)(np.array([1.7, -2.2])).tolist() == [1, -2]
    assert transforms.TypeCast(np.float16)(np.array([1])).dtype == np.float16
    hot = transforms.OneHot(4)(np.array([2, 0]))
    assert hot.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0]] and hot.dtype == np.int64
    smooth = transforms.OneHot(4, smoothing_rate=0.2)(np.array(1))
    np.testing.assert_allclose(smooth, [0.05, 0.85, 0.05, 0.05], rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"lie in \[0, 4\)"):
        transforms.OneHot(4)(np.array([4]))
    pipeline = transforms.Compose([vision.Rescale(1 / 255, 0), vision.HWC2CHW(),
                                   transforms.TypeCast(np.float64)])
    out = pipeline(IMAGE)
    assert out.dtype == np.float64 and out.shape == (3, 6, 8)
    np.testing.assert_allclose(out, IMAGE.transpose(2, 0, 1) / 255, rtol=1e-6)


def test_transforms_in_a_pipeline():
    images = np.stack([IMAGE] * 5)
    labels = np.arange(5) % 3
    data = ds.NumpySlicesDataset((images, labels), ['image', 'label'], shuffle=False)
    data = data.map([vision.Resize((3, 4)), vision.Rescale(1 / 255, 0), vision.HWC2CHW()],
                    input_columns='image')
    data = data.map(transforms.OneHot(3), input_columns='label').batch(5)
    image, label = next(data.create_tuple_iterator(output_numpy=True))
    assert image.shape == (5, 3, 3, 4) and image.dtype == np.float32
    expected = vision.HWC2CHW()(vision.Rescale(1 / 255, 0)(vision.Resize((3, 4))(IMAGE)))
    np.testing.assert_allclose(image[2], expected)
    np.testing.assert_array_equal(label, np.eye(3, dtype=labels.dtype)[labels])


def test_random_transforms_repeat_under_a_seed_whatever_the_threads():
    images = np.random.default_rng(1).integers(0, 256, (24, 6, 6)).astype(np.uint8)

    def run(workers):
        data = ds.NumpySlicesDataset(images, shuffle=False)
        data = data.map([vision.RandomCrop(4), vision.RandomHorizontalFlip()],
                        num_parallel_workers=workers)
        return [row[0] for row in data.create_tuple_iterator(output_numpy=True, num_epochs=1)]

    global_seed.set_seed(5)
    serial = run(1)
    parallel = run(4)
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel))
    global_seed.set_seed(6)
    assert not all(np.array_equal(a, b) for a, b in zip(serial, run(1)))
