"""Examples for the docstrings of `autograph.ops`, attached when the package loads.

The ops are defined by family as one-line bindings of primitives; their examples are kept here, in
one table, rather than between those lines. `help(ops.add)` shows the op's own docstring (or the
summary given here) followed by its example, and tests/test_docs.py runs every example.
"""

# name: (a summary for an op that has no docstring of its own, or None; the example)
EXAMPLES = {
    'abs': ('Absolute value, elementwise (alias `absolute`).',
        '>>> x = Tensor(np.array([-1.5, 0.0, 2.0], np.float32))\n'
        '>>> ops.abs(x).asnumpy()\n'
        'array([1.5, 0. , 2. ], dtype=float32)'),
    'acos': ('Inverse cosine, elementwise (alias `arccos`).',
        '>>> x = Tensor(np.array([1.0, 0.0], np.float32))\n'
        '>>> ops.acos(x).asnumpy()\n'
        'array([0.       , 1.5707964], dtype=float32)'),
    'add': ('input + other, broadcasting.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.add(x, y).asnumpy()\n'
        'array([2.5, 3. , 4. ], dtype=float32)'),
    'all': (None,
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> bool(ops.all(b))\n'
        'False'),
    'amax': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.amax(m, 0).asnumpy()\n'
        'array([3., 4.], dtype=float32)'),
    'amin': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.amin(m, 0).asnumpy()\n'
        'array([1., 2.], dtype=float32)'),
    'any': (None,
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> bool(ops.any(b))\n'
        'True'),
    'arange': (None,
        '>>> ops.arange(1, 7, 2).asnumpy()\n'
        'array([1, 3, 5])'),
    'argmax': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.argmax(m, 1).asnumpy()\n'
        'array([1, 1])'),
    'argmin': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.argmin(m, 1).asnumpy()\n'
        'array([0, 0])'),
    'asin': ('Inverse sine, elementwise (alias `arcsin`).',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.asin(x).asnumpy()\n'
        'array([0.       , 1.5707964], dtype=float32)'),
    'asinh': ('Inverse hyperbolic sine, elementwise (alias `arcsinh`).',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.asinh(x).asnumpy()\n'
        'array([0.       , 0.8813736], dtype=float32)'),
    'assign': ('Writes `value` into the Parameter `variable` (in compiled code too: an optimizer step) and returns it.',
        ">>> w = Parameter(Tensor(np.zeros(2, np.float32)), name='w')\n"
        '>>> _ = ops.assign(w, Tensor(np.ones(2, np.float32)))\n'
        '>>> w.asnumpy()\n'
        'array([1., 1.], dtype=float32)'),
    'atan': ('Inverse tangent, elementwise (alias `arctan`).',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.atan(x).asnumpy()\n'
        'array([0.       , 0.7853982], dtype=float32)'),
    'atan2': (None,
        '>>> y = Tensor(np.array([1.0, -1.0], np.float32))\n'
        '>>> x = Tensor(np.array([1.0, 1.0], np.float32))\n'
        '>>> ops.atan2(y, x).asnumpy()\n'
        'array([ 0.7853982, -0.7853982], dtype=float32)'),
    'avg_pool2d': (None,
        '>>> x = Tensor(np.ones((1, 1, 4, 4), np.float32))\n'
        '>>> ops.avg_pool2d(x, 2, 2).shape\n'
        '(1, 1, 2, 2)'),
    'batch_norm': (None,
        '>>> x = Tensor(np.array([[1.0], [3.0]], np.float32))\n'
        '>>> one, zero = Tensor(np.ones(1, np.float32)), Tensor(np.zeros(1, np.float32))\n'
        '>>> ops.batch_norm(x, zero, one, one, zero, training=True).asnumpy()\n'
        'array([[-0.999995],\n'
        '       [ 0.999995]], dtype=float32)'),
    'bernoulli': (None,
        '>>> x = Tensor(np.zeros((2, 3), np.float32))\n'
        '>>> ops.bernoulli(x, p=0.5, seed=1).shape\n'
        '(2, 3)'),
    'binary_cross_entropy': (None,
        '>>> p = Tensor(np.array([0.5], np.float32))\n'
        '>>> round(float(ops.binary_cross_entropy(p, Tensor(np.array([1.0], np.float32)))), 4)\n'
        '0.6931'),
    'binary_cross_entropy_with_logits': (None,
        '>>> z = Tensor(np.array([0.0], np.float32))\n'
        '>>> one = Tensor(np.array([1.0], np.float32))\n'
        '>>> round(float(ops.binary_cross_entropy_with_logits(z, one, one, one)), 4)\n'
        '0.6931'),
    'broadcast_to': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.broadcast_to(x, (2, 3)).shape\n'
        '(2, 3)'),
    'cast': ('`input` converted to `dtype` (an autograph or NumPy dtype).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.cast(x, autograph.int32).asnumpy()\n'
        'array([0, 1, 2], dtype=int32)'),
    'cat': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.cat((m, m), axis=1).shape\n'
        '(2, 4)'),
    'ceil': ('The smallest integer >= input, elementwise (no gradient: zero).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.ceil(x).asnumpy()\n'
        'array([1., 1., 2.], dtype=float32)'),
    'cholesky': (None,
        '>>> a = Tensor(np.array([[4.0, 2.0], [2.0, 3.0]], np.float32))\n'
        '>>> ops.cholesky(a).asnumpy()\n'
        'array([[2.       , 0.       ],\n'
        '       [1.       , 1.4142135]], dtype=float32)'),
    'chunk': (None,
        '>>> x = Tensor(np.arange(5.0))\n'
        '>>> [c.shape for c in ops.chunk(x, 2)]\n'
        '[(3,), (2,)]'),
    'clamp': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.clamp(x, 0.8, 1.5).asnumpy()\n'
        'array([0.8, 1. , 1.5], dtype=float32)'),
    'conv2d': (None,
        '>>> x = Tensor(np.ones((1, 1, 4, 4), np.float32))\n'
        '>>> w = Tensor(np.ones((2, 1, 3, 3), np.float32))\n'
        '>>> ops.conv2d(x, w).shape\n'
        '(1, 2, 2, 2)'),
    'conv_transpose2d': (None,
        '>>> x = Tensor(np.ones((1, 2, 4, 4), np.float32))\n'
        '>>> w = Tensor(np.ones((2, 1, 3, 3), np.float32))\n'
        '>>> ops.conv_transpose2d(x, w).shape\n'
        '(1, 1, 6, 6)'),
    'cos': ('Cosine, elementwise.',
        '>>> x = Tensor(np.array([0.0, np.pi], np.float32))\n'
        '>>> ops.cos(x).asnumpy()\n'
        'array([ 1., -1.], dtype=float32)'),
    'cosh': ('Hyperbolic cosine, elementwise.',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.cosh(x).asnumpy()\n'
        'array([1.       , 1.5430806], dtype=float32)'),
    'cross_entropy': (None,
        '>>> logits = Tensor(np.zeros((2, 4), np.float32))\n'
        '>>> round(float(ops.cross_entropy(logits, Tensor(np.array([0, 3], np.int32)))), 4)\n'
        '1.3863'),
    'cumprod': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.cumprod(x, 0).asnumpy()\n'
        'array([0.5, 0.5, 1. ], dtype=float32)'),
    'cumsum': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.cumsum(x, 0).asnumpy()\n'
        'array([0.5, 1.5, 3.5], dtype=float32)'),
    'dense': (None,
        '>>> x = Tensor(np.ones((2, 3), np.float32))\n'
        '>>> w = Tensor(np.ones((4, 3), np.float32))\n'
        '>>> ops.dense(x, w).shape\n'
        '(2, 4)'),
    'det': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> float(ops.det(m))\n'
        '-2.0'),
    'diag': (None,
        '>>> ops.diag(Tensor(np.array([1.0, 2.0], np.float32))).asnumpy()\n'
        'array([[1., 0.],\n'
        '       [0., 2.]], dtype=float32)'),
    'diagonal': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.diagonal(m).asnumpy()\n'
        'array([1., 4.], dtype=float32)'),
    'div': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        ">>> ops.div(x, y, rounding_mode='floor').asnumpy()\n"
        'array([0., 0., 1.], dtype=float32)'),
    'dot': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.dot(m, m).asnumpy()\n'
        'array([[ 7., 10.],\n'
        '       [15., 22.]], dtype=float32)'),
    'dropout': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.dropout(x, p=0.5, training=False).asnumpy()\n'
        'array([0.5, 1. , 2. ], dtype=float32)'),
    'einsum': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        ">>> ops.einsum('ij,jk->ik', m, m).asnumpy()\n"
        'array([[ 7., 10.],\n'
        '       [15., 22.]], dtype=float32)'),
    'elu': (None,
        '>>> x = Tensor(np.array([-1.0, 2.0], np.float32))\n'
        '>>> ops.elu(x).asnumpy()\n'
        'array([-0.63212055,  2.        ], dtype=float32)'),
    'equal': ('input == other, elementwise: a bool Tensor.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.equal(x, y).asnumpy()\n'
        'array([False, False,  True])'),
    'erf': ('The error function, elementwise.',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.erf(x).asnumpy()\n'
        'array([0.        , 0.84270084], dtype=float32)'),
    'exp': ('e ** input, elementwise.',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.exp(x).asnumpy()\n'
        'array([1.      , 2.718282], dtype=float32)'),
    'expand_dims': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.expand_dims(x, 0).shape\n'
        '(1, 3)'),
    'expm1': ('exp(input) - 1, accurate near 0.',
        '>>> x = Tensor(np.array([0.0, 1e-5], np.float32))\n'
        '>>> ops.expm1(x).asnumpy()\n'
        'array([0.000000e+00, 1.000005e-05], dtype=float32)'),
    'eye': (None,
        '>>> ops.eye(2).asnumpy()\n'
        'array([[1., 0.],\n'
        '       [0., 1.]], dtype=float32)'),
    'flatten': (None,
        '>>> x = Tensor(np.ones((2, 3, 4), np.float32))\n'
        '>>> ops.flatten(x).shape\n'
        '(2, 12)'),
    'flip': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.flip(x).asnumpy()\n'
        'array([2. , 1. , 0.5], dtype=float32)'),
    'floor': ('The largest integer <= input, elementwise (no gradient: zero).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.floor(x).asnumpy()\n'
        'array([0., 1., 2.], dtype=float32)'),
    'floor_divide': ('floor(input / other), elementwise.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.floor_divide(x, y).asnumpy()\n'
        'array([0., 0., 1.], dtype=float32)'),
    'fmod': (None,
        '>>> x = Tensor(np.array([-3.0, 3.0], np.float32))\n'
        '>>> ops.fmod(x, 2.0).asnumpy()\n'
        'array([-1.,  1.], dtype=float32)'),
    'full': (None,
        '>>> ops.full((2,), 7.0).asnumpy()\n'
        'array([7., 7.], dtype=float32)'),
    'full_like': ('An array shaped like `input` filled with fill_value (its dtype unless dtype says otherwise).',
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.full_like(m, 5).asnumpy()\n'
        'array([[5., 5.],\n'
        '       [5., 5.]], dtype=float32)'),
    'gather': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.gather(m, Tensor(np.array([1, 0], np.int32)), 0).asnumpy()\n'
        'array([[3., 4.],\n'
        '       [1., 2.]], dtype=float32)'),
    'gather_elements': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.gather_elements(m, 1, Tensor(np.array([[1], [0]], np.int32))).asnumpy()\n'
        'array([[2.],\n'
        '       [3.]], dtype=float32)'),
    'gather_nd': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.gather_nd(m, Tensor(np.array([[0, 1], [1, 0]], np.int32))).asnumpy()\n'
        'array([2., 3.], dtype=float32)'),
    'gelu': (None,
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.gelu(x).asnumpy()\n'
        'array([0.       , 0.8413447], dtype=float32)'),
    'getitem': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.getitem(m, (slice(None), 1)).asnumpy()\n'
        'array([2., 4.], dtype=float32)'),
    'greater': ('input > other, elementwise: a bool Tensor.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.greater(x, y).asnumpy()\n'
        'array([False, False, False])'),
    'greater_equal': ('input >= other, elementwise: a bool Tensor.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.greater_equal(x, y).asnumpy()\n'
        'array([False, False,  True])'),
    'hardtanh': (None,
        '>>> x = Tensor(np.array([-2.0, 0.5], np.float32))\n'
        '>>> ops.hardtanh(x).asnumpy()\n'
        'array([-1. ,  0.5], dtype=float32)'),
    'index_add': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.index_add(m, Tensor(np.array([0], np.int32)), Tensor(np.ones((1, 2), np.float32)), 0).asnumpy()\n'
        'array([[2., 3.],\n'
        '       [3., 4.]], dtype=float32)'),
    'index_select': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.index_select(m, 1, Tensor(np.array([1], np.int32))).asnumpy()\n'
        'array([[2.],\n'
        '       [4.]], dtype=float32)'),
    'inverse': (None,
        '>>> a = Tensor(np.array([[2.0, 0.0], [0.0, 4.0]], np.float32))\n'
        '>>> ops.inverse(a).asnumpy()\n'
        'array([[0.5 , 0.  ],\n'
        '       [0.  , 0.25]], dtype=float32)'),
    'isfinite': ('Whether each element is finite: a bool Tensor.',
        '>>> x = Tensor(np.array([1.0, np.inf, np.nan], np.float32))\n'
        '>>> ops.isfinite(x).asnumpy()\n'
        'array([ True, False, False])'),
    'isinf': ('Whether each element is infinite: a bool Tensor.',
        '>>> x = Tensor(np.array([1.0, np.inf, np.nan], np.float32))\n'
        '>>> ops.isinf(x).asnumpy()\n'
        'array([False,  True, False])'),
    'isnan': ('Whether each element is NaN: a bool Tensor.',
        '>>> x = Tensor(np.array([1.0, np.inf, np.nan], np.float32))\n'
        '>>> ops.isnan(x).asnumpy()\n'
        'array([False, False,  True])'),
    'kl_div': (None,
        '>>> p = Tensor(np.array([0.5, 0.5], np.float32))\n'
        '>>> round(float(ops.kl_div(ops.log(p), p)), 4)\n'
        '0.0'),
    'l1_loss': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> float(ops.l1_loss(x, y))\n'
        '0.8333333134651184'),
    'layer_norm': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.layer_norm(m, (2,)).asnumpy()\n'
        'array([[-0.99998,  0.99998],\n'
        '       [-0.99998,  0.99998]], dtype=float32)'),
    'leaky_relu': (None,
        '>>> x = Tensor(np.array([-1.0, 2.0], np.float32))\n'
        '>>> ops.leaky_relu(x).asnumpy()\n'
        'array([-0.2,  2. ], dtype=float32)'),
    'less': ('input < other, elementwise: a bool Tensor.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.less(x, y).asnumpy()\n'
        'array([ True,  True, False])'),
    'less_equal': ('input <= other, elementwise: a bool Tensor.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.less_equal(x, y).asnumpy()\n'
        'array([ True,  True,  True])'),
    'linspace': (None,
        '>>> ops.linspace(0.0, 1.0, 3).asnumpy()\n'
        'array([0. , 0.5, 1. ], dtype=float32)'),
    'log': ('Natural logarithm, elementwise.',
        '>>> x = Tensor(np.array([1.0, np.e], np.float32))\n'
        '>>> ops.log(x).asnumpy()\n'
        'array([0., 1.], dtype=float32)'),
    'log1p': ('log(1 + input), accurate near 0.',
        '>>> x = Tensor(np.array([0.0, 1e-5], np.float32))\n'
        '>>> ops.log1p(x).asnumpy()\n'
        'array([0.00000e+00, 9.99995e-06], dtype=float32)'),
    'log2': ('Base-2 logarithm, elementwise.',
        '>>> x = Tensor(np.array([1.0, 8.0], np.float32))\n'
        '>>> ops.log2(x).asnumpy()\n'
        'array([0., 3.], dtype=float32)'),
    'log_softmax': (None,
        '>>> x = Tensor(np.array([0.0, 0.0], np.float32))\n'
        '>>> ops.log_softmax(x).asnumpy()\n'
        'array([-0.6931472, -0.6931472], dtype=float32)'),
    'logaddexp': (None,
        '>>> x = Tensor(np.array([1000.0, 0.0], np.float32))\n'
        '>>> ops.logaddexp(x, x).asnumpy()\n'
        'array([1.0006932e+03, 6.9314718e-01], dtype=float32)'),
    'logical_and': ('Logical and, elementwise.',
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> ops.logical_and(b, Tensor(np.array([True, True, False]))).asnumpy()\n'
        'array([ True, False, False])'),
    'logical_not': ('Logical not, elementwise.',
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> ops.logical_not(b).asnumpy()\n'
        'array([False,  True, False])'),
    'logical_or': ('Logical or, elementwise.',
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> ops.logical_or(b, Tensor(np.array([False, False, False]))).asnumpy()\n'
        'array([ True, False,  True])'),
    'logical_xor': ('Logical exclusive or, elementwise.',
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> ops.logical_xor(b, Tensor(np.array([True, True, True]))).asnumpy()\n'
        'array([False,  True, False])'),
    'logsumexp': (None,
        '>>> x = Tensor(np.array([1000.0, 1000.0], np.float32))\n'
        '>>> ops.logsumexp(x, 0).asnumpy()\n'
        'array(1000.6932, dtype=float32)'),
    'masked_fill': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> ops.masked_fill(x, b, 0.0).asnumpy()\n'
        'array([0., 1., 0.], dtype=float32)'),
    'matmul': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.matmul(m, m).asnumpy()\n'
        'array([[ 7., 10.],\n'
        '       [15., 22.]], dtype=float32)'),
    'matrix_solve': (None,
        '>>> a = Tensor(np.array([[2.0, 0.0], [0.0, 4.0]], np.float32))\n'
        '>>> ops.matrix_solve(a, Tensor(np.array([[2.0], [8.0]], np.float32))).asnumpy()\n'
        'array([[1.],\n'
        '       [2.]], dtype=float32)'),
    'max': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> values, indices = ops.max(m, 1)\n'
        '>>> values.asnumpy(), indices.asnumpy()\n'
        '(array([2., 4.], dtype=float32), array([1, 1]))'),
    'max_pool2d': (None,
        '>>> x = Tensor(np.arange(16.0, dtype=np.float32).reshape(1, 1, 4, 4))\n'
        '>>> ops.max_pool2d(x, 2).asnumpy()\n'
        'array([[[[ 5.,  7.],\n'
        '         [13., 15.]]]], dtype=float32)'),
    'maximum': ('The larger of input and other, elementwise.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.maximum(x, y).asnumpy()\n'
        'array([2., 2., 2.], dtype=float32)'),
    'mean': ('The mean over `axis` (all axes for None), keeping the reduced axes with keep_dims.',
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.mean(m, 0).asnumpy()\n'
        'array([2., 3.], dtype=float32)'),
    'min': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> values, indices = ops.min(m, 1)\n'
        '>>> values.asnumpy(), indices.asnumpy()\n'
        '(array([1., 3.], dtype=float32), array([0, 0]))'),
    'minimum': ('The smaller of input and other, elementwise.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.minimum(x, y).asnumpy()\n'
        'array([0.5, 1. , 2. ], dtype=float32)'),
    'moveaxis': ('Moves axis `source` to position `destination` (alias `movedim`).',
        '>>> x = Tensor(np.ones((2, 3, 4), np.float32))\n'
        '>>> ops.moveaxis(x, 0, -1).shape\n'
        '(3, 4, 2)'),
    'mse_loss': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> float(ops.mse_loss(x, y))\n'
        '1.0833333730697632'),
    'mul': ('input * other, broadcasting (alias `multiply`).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.mul(x, y).asnumpy()\n'
        'array([1., 2., 4.], dtype=float32)'),
    'narrow': (None,
        '>>> x = Tensor(np.arange(6.0).reshape(2, 3))\n'
        '>>> ops.narrow(x, 1, 1, 2).asnumpy()\n'
        'array([[1., 2.],\n'
        '       [4., 5.]])'),
    'neg': ('-input, elementwise (alias `negative`).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.neg(x).asnumpy()\n'
        'array([-0.5, -1. , -2. ], dtype=float32)'),
    'nll_loss': (None,
        '>>> logp = Tensor(np.log(np.full((2, 4), 0.25, np.float32)))\n'
        '>>> round(float(ops.nll_loss(logp, Tensor(np.array([0, 3], np.int32)))), 4)\n'
        '1.3863'),
    'norm': (None,
        '>>> v = Tensor(np.array([3.0, 4.0], np.float32))\n'
        '>>> float(ops.norm(v))\n'
        '5.0'),
    'normal': (None,
        '>>> ops.normal((2, 3), 0.0, 1.0, seed=1).shape\n'
        '(2, 3)'),
    'not_equal': ('input != other, elementwise: a bool Tensor.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.not_equal(x, y).asnumpy()\n'
        'array([ True,  True, False])'),
    'one_hot': (None,
        '>>> ops.one_hot(Tensor(np.array([0, 2], np.int32)), 3).asnumpy()\n'
        'array([[1., 0., 0.],\n'
        '       [0., 0., 1.]], dtype=float32)'),
    'ones': ('An array of ones of `shape` (float32 unless dtype says otherwise).',
        '>>> ops.ones((2,), autograph.float32).asnumpy()\n'
        'array([1., 1.], dtype=float32)'),
    'ones_like': ('Ones, shaped like `input` (its dtype unless dtype says otherwise).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.ones_like(x).asnumpy()\n'
        'array([1., 1., 1.], dtype=float32)'),
    'outer': (None,
        '>>> v = Tensor(np.array([1.0, 2.0], np.float32))\n'
        '>>> ops.outer(v, v).asnumpy()\n'
        'array([[1., 2.],\n'
        '       [2., 4.]], dtype=float32)'),
    'pad': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.pad(m, (1, 0)).asnumpy()\n'
        'array([[0., 1., 2.],\n'
        '       [0., 3., 4.]], dtype=float32)'),
    'permute': ('The axes reordered as `dims`.',
        '>>> x = Tensor(np.ones((2, 3, 4), np.float32))\n'
        '>>> ops.permute(x, (2, 0, 1)).shape\n'
        '(4, 2, 3)'),
    'pow': ('input ** exponent, broadcasting.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.pow(x, y).asnumpy()\n'
        'array([0.25, 1.  , 4.  ], dtype=float32)'),
    'prod': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.prod(m, 1).asnumpy()\n'
        'array([ 2., 12.], dtype=float32)'),
    'rand': (None,
        '>>> ops.rand(2, 3, seed=1).shape\n'
        '(2, 3)'),
    'rand_like': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.rand_like(m, seed=1).shape\n'
        '(2, 2)'),
    'randn': (None,
        '>>> ops.randn(2, 3, seed=1).shape\n'
        '(2, 3)'),
    'randn_like': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.randn_like(m, seed=1).shape\n'
        '(2, 2)'),
    'ravel': ('The elements as a 1-D Tensor.',
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.ravel(m).asnumpy()\n'
        'array([1., 2., 3., 4.], dtype=float32)'),
    'reciprocal': ('1 / input, elementwise.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.reciprocal(x).asnumpy()\n'
        'array([2. , 1. , 0.5], dtype=float32)'),
    'relu': ('max(input, 0), elementwise.',
        '>>> x = Tensor(np.array([-1.0, 2.0], np.float32))\n'
        '>>> ops.relu(x).asnumpy()\n'
        'array([0., 2.], dtype=float32)'),
    'relu6': ('min(max(x, 0), 6), elementwise.',
        '>>> x = Tensor(np.array([-1.0, 8.0], np.float32))\n'
        '>>> ops.relu6(x).asnumpy()\n'
        'array([0., 6.], dtype=float32)'),
    'remainder': (None,
        '>>> x = Tensor(np.array([-3.0, 3.0], np.float32))\n'
        '>>> ops.remainder(x, 2.0).asnumpy()\n'
        'array([1., 1.], dtype=float32)'),
    'repeat_interleave': (None,
        '>>> x = Tensor(np.array([1, 2], np.int32))\n'
        '>>> ops.repeat_interleave(x, 2).asnumpy()\n'
        'array([1, 1, 2, 2], dtype=int32)'),
    'reshape': (None,
        '>>> x = Tensor(np.arange(6.0))\n'
        '>>> ops.reshape(x, (2, -1)).shape\n'
        '(2, 3)'),
    'round': (None,
        '>>> x = Tensor(np.array([0.5, 1.5, 2.4], np.float32))\n'
        '>>> ops.round(x).asnumpy()\n'
        'array([0., 2., 2.], dtype=float32)'),
    'rsqrt': ('1 / sqrt(input), elementwise.',
        '>>> x = Tensor(np.array([1.0, 4.0], np.float32))\n'
        '>>> ops.rsqrt(x).asnumpy()\n'
        'array([1. , 0.5], dtype=float32)'),
    'scatter_add': (None,
        '>>> x = Tensor(np.zeros((2, 2), np.float32))\n'
        '>>> ops.scatter_add(x, Tensor(np.array([1], np.int32)), Tensor(np.ones((1, 2), np.float32))).asnumpy()\n'
        'array([[0., 0.],\n'
        '       [1., 1.]], dtype=float32)'),
    'select': (None,
        '>>> b = Tensor(np.array([True, False, True]))\n'
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.select(b, x, y).asnumpy()\n'
        'array([0.5, 2. , 2. ], dtype=float32)'),
    'setitem': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.setitem(m, (0, 0), 9.0).asnumpy()\n'
        'array([[9., 2.],\n'
        '       [3., 4.]], dtype=float32)'),
    'sigmoid': ('1 / (1 + exp(-input)), elementwise.',
        '>>> x = Tensor(np.array([0.0], np.float32))\n'
        '>>> ops.sigmoid(x).asnumpy()\n'
        'array([0.5], dtype=float32)'),
    'sign': ('-1, 0 or 1 by the sign of input, elementwise.',
        '>>> x = Tensor(np.array([-2.0, 0.0, 3.0], np.float32))\n'
        '>>> ops.sign(x).asnumpy()\n'
        'array([-1.,  0.,  1.], dtype=float32)'),
    'silu': ('input * sigmoid(input), elementwise.',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.silu(x).asnumpy()\n'
        'array([0.       , 0.7310586], dtype=float32)'),
    'sin': ('Sine, elementwise.',
        '>>> x = Tensor(np.array([0.0, np.pi / 2], np.float32))\n'
        '>>> ops.sin(x).asnumpy()\n'
        'array([0., 1.], dtype=float32)'),
    'sinh': ('Hyperbolic sine, elementwise.',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.sinh(x).asnumpy()\n'
        'array([0.       , 1.1752012], dtype=float32)'),
    'smooth_l1_loss': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.smooth_l1_loss(x, y).asnumpy()\n'
        'array([1. , 0.5, 0. ], dtype=float32)'),
    'softmax': (None,
        '>>> x = Tensor(np.array([0.0, 0.0], np.float32))\n'
        '>>> ops.softmax(x).asnumpy()\n'
        'array([0.5, 0.5], dtype=float32)'),
    'softplus': (None,
        '>>> x = Tensor(np.array([0.0, 30.0], np.float32))\n'
        '>>> ops.softplus(x).asnumpy()\n'
        'array([ 0.6931472, 30.       ], dtype=float32)'),
    'softsign': ('x / (1 + |x|), elementwise.',
        '>>> x = Tensor(np.array([-1.0, 3.0], np.float32))\n'
        '>>> ops.softsign(x).asnumpy()\n'
        'array([-0.5 ,  0.75], dtype=float32)'),
    'split': (None,
        '>>> x = Tensor(np.arange(5.0))\n'
        '>>> [p.asnumpy() for p in ops.split(x, 2)]\n'
        '[array([0., 1.]), array([2., 3.]), array([4.])]'),
    'split_index': (None,
        '>>> ops.split_index((0, slice(1, None)))\n'
        '((0, slice(1, None, None)), [])'),
    'sqrt': ('Square root, elementwise.',
        '>>> x = Tensor(np.array([1.0, 4.0], np.float32))\n'
        '>>> ops.sqrt(x).asnumpy()\n'
        'array([1., 2.], dtype=float32)'),
    'square': ('input * input, elementwise.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.square(x).asnumpy()\n'
        'array([0.25, 1.  , 4.  ], dtype=float32)'),
    'squeeze': (None,
        '>>> x = Tensor(np.ones((1, 3, 1), np.float32))\n'
        '>>> ops.squeeze(x).shape\n'
        '(3,)'),
    'stack': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.stack((x, x)).shape\n'
        '(2, 3)'),
    'std': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.std(m, 1).asnumpy()\n'
        'array([0.5, 0.5], dtype=float32)'),
    'std_mean': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> [t.asnumpy() for t in ops.std_mean(m, 1)]\n'
        '[array([0.5, 0.5], dtype=float32), array([1.5, 3.5], dtype=float32)]'),
    'stop_gradient': ('`value` itself, through which no gradient flows.',
        '>>> def f(x):\n'
        '...     return (x * ops.stop_gradient(x)).sum()\n'
        '>>> autograph.grad(f)(np.array([3.0]))\n'
        'array([3.])'),
    'sub': ('input - other, broadcasting (alias `subtract`).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.sub(x, y).asnumpy()\n'
        'array([-1.5, -1. ,  0. ], dtype=float32)'),
    'sum': ('The sum over `dim` (all axes for None), keeping the reduced axes with keepdim.',
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.sum(m, 0).asnumpy()\n'
        'array([4., 6.], dtype=float32)'),
    'swapaxes': ('Exchanges two axes.',
        '>>> x = Tensor(np.ones((2, 3, 4), np.float32))\n'
        '>>> ops.swapaxes(x, 0, 2).shape\n'
        '(4, 3, 2)'),
    'tan': ('Tangent, elementwise.',
        '>>> x = Tensor(np.array([0.0, np.pi / 4], np.float32))\n'
        '>>> ops.tan(x).asnumpy()\n'
        'array([0., 1.], dtype=float32)'),
    'tanh': ('Hyperbolic tangent, elementwise.',
        '>>> x = Tensor(np.array([0.0, 1.0], np.float32))\n'
        '>>> ops.tanh(x).asnumpy()\n'
        'array([0.       , 0.7615942], dtype=float32)'),
    'tensor_dot': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.tensor_dot(m, m, 1).asnumpy()\n'
        'array([[ 7., 10.],\n'
        '       [15., 22.]], dtype=float32)'),
    'tensor_scatter_add': (None,
        '>>> x = Tensor(np.zeros((2, 2), np.float32))\n'
        '>>> ops.tensor_scatter_add(x, Tensor(np.array([[0, 1]], np.int32)), Tensor(np.array([5.0], np.float32))).asnumpy()\n'
        'array([[0., 5.],\n'
        '       [0., 0.]], dtype=float32)'),
    'tensor_scatter_elements': (None,
        '>>> x = Tensor(np.zeros((2, 2), np.float32))\n'
        '>>> ops.tensor_scatter_elements(x, Tensor(np.array([[1, 0]], np.int32)), Tensor(np.array([[3.0, 4.0]], np.float32))).asnumpy()\n'
        'array([[0., 4.],\n'
        '       [3., 0.]], dtype=float32)'),
    'tile': (None,
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.tile(x, (2,)).asnumpy()\n'
        'array([0.5, 1. , 2. , 0.5, 1. , 2. ], dtype=float32)'),
    'trace': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> float(ops.trace(m))\n'
        '5.0'),
    'transpose': ('The axes reordered as `input_perm` (reversed for None).',
        '>>> x = Tensor(np.ones((2, 3, 4), np.float32))\n'
        '>>> ops.transpose(x, (1, 0, 2)).shape\n'
        '(3, 2, 4)'),
    'true_divide': ('input / other, in floating point.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> y = Tensor(np.array([2.0, 2.0, 2.0], np.float32))\n'
        '>>> ops.true_divide(x, y).asnumpy()\n'
        'array([0.25, 0.5 , 1.  ], dtype=float32)'),
    'trunc': ('input rounded towards zero, elementwise (no gradient: zero).',
        '>>> x = Tensor(np.array([-1.5, 1.5], np.float32))\n'
        '>>> ops.trunc(x).asnumpy()\n'
        'array([-1.,  1.], dtype=float32)'),
    'uniform': (None,
        '>>> ops.uniform((2, 3), Tensor(0.0), Tensor(1.0), seed=1).shape\n'
        '(2, 3)'),
    'unsqueeze': ('A new axis of size 1 at `dim`.',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.unsqueeze(x, 1).shape\n'
        '(3, 1)'),
    'unstack': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> [row.asnumpy() for row in ops.unstack(m)]\n'
        '[array([1., 2.], dtype=float32), array([3., 4.], dtype=float32)]'),
    'var': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> ops.var(m, 1).asnumpy()\n'
        'array([0.25, 0.25], dtype=float32)'),
    'var_mean': (None,
        '>>> m = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))\n'
        '>>> [t.asnumpy() for t in ops.var_mean(m, 1)]\n'
        '[array([0.25, 0.25], dtype=float32), array([1.5, 3.5], dtype=float32)]'),
    'zeros': ('An array of zeros of `shape` (float32 unless dtype says otherwise).',
        '>>> ops.zeros((2,), autograph.float32).asnumpy()\n'
        'array([0., 0.], dtype=float32)'),
    'zeros_like': ('Zeros, shaped like `input` (its dtype unless dtype says otherwise).',
        '>>> x = Tensor(np.array([0.5, 1.0, 2.0], np.float32))\n'
        '>>> ops.zeros_like(x).asnumpy()\n'
        'array([0., 0., 0.], dtype=float32)'),
}


def attach(namespace):
    """Append each example to the docstring of the op of that name in `namespace` (ops/__init__'s
    globals). An alias (absolute for abs) is the same function, so it shares the text."""
    done = set()
    for name, (summary, example) in EXAMPLES.items():
        fn = namespace.get(name)
        if fn is None or id(fn) in done:
            continue
        done.add(id(fn))
        own = _dedent(fn.__doc__ or summary or '')
        lines = '\n'.join('    ' + line for line in example.split('\n'))
        setattr(fn, '__doc__', f"{own}\n\nExample:\n    >>> import numpy as np\n"
                               f"    >>> import autograph\n    >>> from autograph import ops, Tensor, Parameter\n{lines}\n")


def _dedent(text):
    """A docstring's text without the indentation of its continuation lines."""
    first, _, rest = text.strip().partition('\n')
    lines = rest.split('\n')
    indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return '\n'.join([first] + [l[indent:] for l in lines]).rstrip() if rest else first
