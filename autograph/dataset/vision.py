"""`mindspore.dataset.vision`: image transforms on NumPy arrays of shape (H, W) or (H, W, C),
usable in `map` or called directly on an image."""
import enum
import io

import numpy as np

from runtime.dtypes import to_numpy

from . import random as dataset_random
from .pipeline import config
from .transforms import TensorOperation


class Inter(enum.IntEnum):
    NEAREST = 0
    LINEAR = 1
    BILINEAR = 1
    CUBIC = 2
    BICUBIC = 2
    AREA = 3
    PILCUBIC = 4
    ANTIALIAS = 5


class Border(str, enum.Enum):
    CONSTANT = 'constant'
    EDGE = 'edge'
    REFLECT = 'reflect'
    SYMMETRIC = 'symmetric'


class Rescale(TensorOperation):
    """image * rescale + shift, as float32."""

    def __init__(self, rescale, shift):
        self.rescale, self.shift = float(rescale), float(shift)

    def _apply(self, image):
        return (image.astype(np.float32) * np.float32(self.rescale) + np.float32(self.shift))


class Normalize(TensorOperation):
    """(image - mean) / std per channel, as float32; channels last unless `is_hwc=False`."""

    def __init__(self, mean, std, is_hwc=True):
        self.mean = np.asarray(mean, np.float32)
        self.std = np.asarray(std, np.float32)
        if self.mean.shape != self.std.shape or self.mean.ndim != 1:
            raise ValueError("`mean` and `std` must be sequences of the same length.")
        if np.any(self.std <= 0):
            raise ValueError(f"`std` must be positive, but got {std}.")
        self.is_hwc = is_hwc

    def _apply(self, image):
        image = image.astype(np.float32)
        channels = image.shape[-1] if self.is_hwc and image.ndim == 3 else \
            image.shape[0] if image.ndim == 3 else 1
        if len(self.mean) not in (1, channels):
            raise RuntimeError(f"Normalize: the image has {channels} channels but `mean` has "
                               f"{len(self.mean)} values.")
        shape = (-1,) if self.is_hwc or image.ndim == 2 else (-1, 1, 1)
        return (image - self.mean.reshape(shape)) / self.std.reshape(shape)


class HWC2CHW(TensorOperation):
    """(H, W, C) -> (C, H, W); a (H, W) image becomes (1, H, W)."""

    def _apply(self, image):
        return np.ascontiguousarray(np.transpose(_hwc(image, 'HWC2CHW'), (2, 0, 1)))


class ToTensor(TensorOperation):
    """(H, W, C) pixels in [0, 255] -> (C, H, W) values in [0, 1], as `output_type`."""

    def __init__(self, output_type=np.float32):
        self.output_type = to_numpy(output_type)

    def _apply(self, image):
        chw = np.transpose(_hwc(image, 'ToTensor'), (2, 0, 1)).astype(np.float64) / 255.0
        return np.ascontiguousarray(chw.astype(self.output_type))


class Resize(TensorOperation):
    """To `size` (height, width), or with the smaller edge at `size` keeping the aspect ratio.
    LINEAR samples at pixel centres (as OpenCV does); NEAREST takes the pixel under each centre."""

    def __init__(self, size, interpolation=Inter.LINEAR):
        self.size = _size(size, 'size')
        if not isinstance(interpolation, Inter):
            raise TypeError(f"`interpolation` must be a vision.Inter, "
                            f"but got {type(interpolation).__name__}.")
        if interpolation not in (Inter.NEAREST, Inter.LINEAR):
            raise NotImplementedError(f"Resize: autograph implements Inter.LINEAR and "
                                      f"Inter.NEAREST, not {interpolation.name}.")
        self.interpolation = interpolation

    def _apply(self, image):
        _check_image(image, 'Resize')
        h, w = image.shape[:2]
        if len(self.size) == 1:
            short = self.size[0]
            out_h, out_w = (short, int(w * short / h)) if h <= w else (int(h * short / w), short)
        else:
            out_h, out_w = self.size
        if self.interpolation == Inter.NEAREST:
            rows = np.minimum((np.arange(out_h) * h / out_h).astype(int), h - 1)
            cols = np.minimum((np.arange(out_w) * w / out_w).astype(int), w - 1)
            return image[rows][:, cols]
        return _bilinear(image, out_h, out_w)


class RandomCrop(TensorOperation):
    """A random `size` window, after `padding` (int, (left/right, top/bottom) or (left, top,
    right, bottom)) and, with `pad_if_needed`, enough padding to fit the window."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill_value=0,
                 padding_mode=Border.CONSTANT):
        self.size = _size(size, 'size')
        self.size = self.size * 2 if len(self.size) == 1 else self.size
        if padding is None:
            padding = 0
        padding = [padding] if isinstance(padding, int) else list(padding)
        if len(padding) not in (1, 2, 4) or any(p < 0 for p in padding):
            raise ValueError(f"`padding` must be 1, 2 or 4 non-negative ints, but got {padding}.")
        left, top, right, bottom = (padding * 4)[:4] if len(padding) == 1 else \
            (padding * 2 if len(padding) == 2 else padding)
        self.padding = (left, top, right, bottom)
        self.pad_if_needed, self.fill_value = pad_if_needed, fill_value
        self.padding_mode = Border(padding_mode)
        self._seed = config.get_seed()

    def _apply(self, image):
        _check_image(image, 'RandomCrop')
        left, top, right, bottom = self.padding
        image = self._pad(image, top, bottom, left, right)
        crop_h, crop_w = self.size
        if self.pad_if_needed:
            extra_h, extra_w = max(crop_h - image.shape[0], 0), max(crop_w - image.shape[1], 0)
            image = self._pad(image, extra_h, extra_h, extra_w, extra_w)
        h, w = image.shape[:2]
        if crop_h > h or crop_w > w:
            raise RuntimeError(f"RandomCrop: the crop size {(crop_h, crop_w)} is bigger than the "
                               f"(padded) image {(h, w)}.")
        rng = dataset_random.generator(self._seed)
        y, x = int(rng.integers(h - crop_h + 1)), int(rng.integers(w - crop_w + 1))
        return image[y:y + crop_h, x:x + crop_w].copy()

    def _pad(self, image, top, bottom, left, right):
        if not (top or bottom or left or right):
            return image
        widths = [(top, bottom), (left, right)] + [(0, 0)] * (image.ndim - 2)
        if self.padding_mode == Border.CONSTANT:
            return np.pad(image, widths, mode='constant', constant_values=self.fill_value)
        return np.pad(image, widths, mode=self.padding_mode.value)


class CenterCrop(TensorOperation):
    def __init__(self, size):
        self.size = _size(size, 'size')
        self.size = self.size * 2 if len(self.size) == 1 else self.size

    def _apply(self, image):
        _check_image(image, 'CenterCrop')
        (h, w), (crop_h, crop_w) = image.shape[:2], self.size
        if crop_h > h or crop_w > w:
            raise RuntimeError(f"CenterCrop: the crop size {(crop_h, crop_w)} is bigger than "
                               f"the image {(h, w)}.")
        y, x = (h - crop_h) // 2, (w - crop_w) // 2
        return image[y:y + crop_h, x:x + crop_w].copy()


class RandomHorizontalFlip(TensorOperation):
    """Mirror left-right with probability `prob`."""
    _axis = 1

    def __init__(self, prob=0.5):
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f"`prob` must lie in [0, 1], but got {prob}.")
        self.prob = float(prob)
        self._seed = config.get_seed()

    def _apply(self, image):
        _check_image(image, type(self).__name__)
        if dataset_random.generator(self._seed).random() < self.prob:
            return np.flip(image, self._axis).copy()
        return image


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror top-bottom with probability `prob`."""
    _axis = 0


class Decode(TensorOperation):
    """Encoded image bytes (a 1-D uint8 array) -> (H, W, 3) RGB uint8; needs Pillow."""

    def __init__(self, to_pil=False):
        self.to_pil = to_pil

    def _apply(self, data):
        try:
            from PIL import Image
        except ImportError:
            raise RuntimeError("Decode: decoding images needs Pillow (pip install pillow).") from None
        with Image.open(io.BytesIO(np.ascontiguousarray(data).tobytes())) as image:
            image = image.convert('RGB')
            return image if self.to_pil else np.asarray(image).copy()


# -------------------------------------------------------------------------------- helpers
def _check_image(image, name):
    if image.ndim not in (2, 3):
        raise RuntimeError(f"{name}: the input must be an image of shape <H, W> or <H, W, C>, "
                           f"but got shape {image.shape}.")


def _hwc(image, name):
    _check_image(image, name)
    return image[:, :, None] if image.ndim == 2 else image


def _size(size, name):
    values = [size] if isinstance(size, int) else list(size) if isinstance(size, (list, tuple)) \
        else None
    if values is None or len(values) not in (1, 2) or \
            not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise TypeError(f"`{name}` must be an int or a (height, width) pair, but got {size!r}.")
    if any(v <= 0 for v in values):
        raise ValueError(f"`{name}` must be positive, but got {size!r}.")
    return values


def _bilinear(image, out_h, out_w):
    h, w = image.shape[:2]

    def taps(out, size):
        centre = np.clip((np.arange(out) + 0.5) * size / out - 0.5, 0, size - 1)
        low = np.floor(centre).astype(int)
        high = np.minimum(low + 1, size - 1)
        return low, high, (centre - low).astype(np.float32)

    y0, y1, fy = taps(out_h, h)
    x0, x1, fx = taps(out_w, w)
    pixels = image.astype(np.float32)
    fx = fx[None, :, None] if image.ndim == 3 else fx[None, :]
    fy = fy[:, None, None] if image.ndim == 3 else fy[:, None]
    top = pixels[y0][:, x0] * (1 - fx) + pixels[y0][:, x1] * fx
    bottom = pixels[y1][:, x0] * (1 - fx) + pixels[y1][:, x1] * fx
    out = top * (1 - fy) + bottom * fy
    if np.issubdtype(image.dtype, np.integer):
        info = np.iinfo(image.dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(image.dtype)
    return out.astype(image.dtype)
