"""`autograph.common`, as `mindspore.common`: the `initializer` module."""
from . import initializer
