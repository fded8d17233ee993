"""Linear algebra: products (matmul, tensordot, einsum, outer), matrix functions (inverse,
determinant, solve, Cholesky) and diagonals (trace, diag). Matrix functions act on the last two
axes and broadcast over leading (batch) axes, as NumPy's `np.linalg` does."""
import string

import numpy as np

from .. import kernels, ops
from ..kernels import array_api as standard
from .batching import axis_batch, front_batch, lift, ndim, to_front
from .core import Aval, defprim, result_dtype, unbroadcast
from .subscript import getitem, setitem


def _array(x, prim, least=0):
    if not isinstance(x, Aval):
        raise ValueError(f"{prim} takes arrays, not the Python number {x!r}")
    if len(x.shape) < least:
        raise ValueError(f"{prim} needs an array of at least {least} dimensions, got shape {x.shape}")
    return x


def _square(x, prim):
    _array(x, prim, 2)
    if x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{prim} needs square matrices in the last two axes, got shape {x.shape}")
    return x


def _mT(x):
    return ops.swapaxes(x, -1, -2)


def _transpose(x, perm):
    perm = tuple(int(p) for p in perm)
    return x if perm == tuple(range(len(perm))) else ops.transpose(x, perm)


# ---------------------------------------------------------------- matmul
def _matmul_rule(x, y):
    xs, ys = _array(x, 'matmul').shape, _array(y, 'matmul').shape
    if not xs or not ys:
        raise ValueError("matmul does not take scalars; use mul")
    inner_x, inner_y = xs[-1], ys[-2] if len(ys) > 1 else ys[0]
    if inner_x != inner_y:
        raise ValueError(f"shapes {xs} and {ys} do not align ({inner_x} != {inner_y})")
    if len(xs) == 1 and len(ys) == 1:
        shape = ()
    elif len(ys) == 1:
        shape = xs[:-1]
    elif len(xs) == 1:
        shape = ys[:-2] + ys[-1:]
    else:
        shape = np.broadcast_shapes(xs[:-2], ys[:-2]) + (xs[-2], ys[-1])
    return Aval(shape, np.result_type(x.dtype, y.dtype))


def _matmul_vjp(g, x, y, out):
    """NumPy's matmul rules: a 1-D operand acts as a row (left) or column (right) vector."""
    if len(x.shape) == 1 and len(y.shape) == 1:
        return g * y, g * x
    if len(x.shape) == 1:                                   # (n) @ (..., n, m) -> (..., m)
        if len(y.shape) == 2:
            return ops.matmul(y, g), ops.expand_dims(x, -1) * g
        dx = ops.matmul(y, ops.expand_dims(g, -1))          # (..., n, 1)
        dx = unbroadcast(ops.reshape(dx, dx.shape[:-1]), x.shape)
        return dx, ops.expand_dims(x, -1) * ops.expand_dims(g, -2)
    if len(y.shape) == 1:                                   # (..., b, n) @ (n) -> (..., b)
        g_col = ops.expand_dims(g, -1)
        dy = ops.matmul(g, x) if len(x.shape) == 2 else unbroadcast(g_col * x, y.shape)
        return g_col * y, dy
    return ops.matmul(g, _mT(y)), ops.matmul(_mT(x), g)


def _matmul_batch(prim, args, dims):
    """NumPy reads a 1-D operand as a vector and a 2-D one as a matrix, so (outside the cases
    where one side is shared and the product stacks as it is) a batch of vectors becomes a batch
    of 1-row (left) or 1-column (right) matrices, and that axis goes again after. Batched
    operands get leading 1s to broadcast against the other's batch axes."""
    (x, y), (dx, dy) = args, dims
    rx, ry = ndim(x) - (dx is not None), ndim(y) - (dy is not None)
    x, y = to_front(x, dx), to_front(y, dy)
    # One side shared, with no batch axes of its own: the examples stack into one product (a
    # single matrix product, as a Jacobian's rows or a batch of inputs should be).
    if dy is None and ry <= 2 or dx is None and rx == 1 and ry >= 2 or dx is None and rx == 2 and ry >= 2:
        return prim.bind(x, y), 0
    if dx is None and rx <= 2 and ry == 1:      # x @ v for each v: the rows v @ x.T
        return prim.bind(y, x if rx == 1 else _mT(x)), 0
    if rx == 1:
        x = ops.expand_dims(x, -2)
    if ry == 1:
        y = ops.expand_dims(y, -1)
    rank = max(rx, ry, 2)
    x = x if dx is None else lift(x, rank)
    y = y if dy is None else lift(y, rank)
    out = prim.bind(x, y)
    shape = tuple(out.shape)
    if rx == 1:
        shape = shape[:-2] + shape[-1:]
    if ry == 1:
        shape = shape[:-1]
    return ops.reshape(out, shape), 0


# Bilinear: the tangent is f(t_x, y) + f(x, t_y), here and for tensordot, einsum and outer.
matmul = defprim('matmul', np.matmul, _matmul_rule, vjp=_matmul_vjp, jvp='bilinear', batch=_matmul_batch,
                 fresh=True, samples=[((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([0.2, -0.7, 1.1])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.array([0.2, -0.7, 1.1])), {}),
                  ((np.arange(12.).reshape(2, 2, 3) / 7, np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.arange(12.).reshape(2, 3, 2) / 5), {}),
                  ((np.arange(12.).reshape(2, 2, 3) / 7, np.array([0.2, -0.7, 1.1])), {}),
                  ((np.array([[0.5], [-1.2], [2.0]]), np.array([[1.5, 0.2]])), {}),
                  ((np.arange(6.).reshape(2, 3, 1) / 7, np.array([[1.5, 0.2]])), {})],
                 infix='@', rewrites=('outer_product',))


def _dot_rule(x, y):
    if not (isinstance(x, Aval) and isinstance(y, Aval) and len(x.shape) == 2 and len(y.shape) == 2):
        raise ValueError("dot takes two matrices (matmul takes the other shapes)")
    return _matmul_rule(x, y)


# np.dot of two matrices, which calls BLAS where NumPy's matmul does not: for an inner axis of
# length 1 ((784, 1) @ (1, 256) is 6x slower than np.dot, and x * y needs 64 KiB of buffers).
# The simplifier writes that product so; compiled code reads np.dot back as ops.dot.
dot = defprim('dot', np.dot, _dot_rule, vjp=_matmul_vjp, jvp='bilinear',
              batch=lambda prim, args, dims: _matmul_batch(matmul, args, dims), fresh=True,
              samples=[((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                       ((np.array([[0.5], [-1.2], [2.0]]), np.array([[1.5, 0.2]])), {})],
                       array_api=standard.dot)


# ---------------------------------------------------------------- tensordot
def _tensordot_rule(a, b, axes):
    _array(a, 'tensordot'), _array(b, 'tensordot')
    ax, bx = axes
    if len(ax) != len(bx):
        raise ValueError(f"axes {ax} of {a.shape} and {bx} of {b.shape} differ in number")
    for i, j in zip(ax, bx):
        if not (0 <= i < len(a.shape) and 0 <= j < len(b.shape)):
            raise ValueError(f"axes {axes} are out of bounds for shapes {a.shape} and {b.shape}")
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"axis {i} of {a.shape} (size {a.shape[i]}) does not match "
                             f"axis {j} of {b.shape} (size {b.shape[j]})")
    shape = tuple(n for i, n in enumerate(a.shape) if i not in ax) + \
        tuple(n for j, n in enumerate(b.shape) if j not in bx)
    return Aval(shape, np.result_type(a.dtype, b.dtype))


def _tensordot_vjp(g, a, b, out, axes):
    """Contract the cotangent with the other operand over its free axes, then put the result's
    axes back in the operand's order."""
    ax, bx = axes
    free_a = [i for i in range(len(a.shape)) if i not in ax]
    free_b = [j for j in range(len(b.shape)) if j not in bx]
    na = len(free_a)
    da = ops.tensor_dot(g, b, (tuple(range(na, len(g.shape))), tuple(free_b)))
    da = _transpose(da, np.argsort(free_a + [ax[bx.index(j)] for j in sorted(bx)]))
    db = ops.tensor_dot(a, g, (tuple(free_a), tuple(range(na))))
    db = _transpose(db, np.argsort([bx[ax.index(i)] for i in sorted(ax)] + free_b))
    return da, db


def _tensordot_batch(prim, args, dims, axes):
    """One batched operand: its axes shift past the batch, which stays among its free axes.
    Both: a per-example contraction, which tensordot cannot write but einsum can."""
    (a, b), (da, db) = args, dims
    ax, bx = axes
    if db is None:
        return prim.bind(to_front(a, da), b, axes=(tuple(i + 1 for i in ax), bx)), 0
    if da is None:
        out_dim = ndim(a) - len(ax)
        return prim.bind(a, to_front(b, db), axes=(ax, tuple(j + 1 for j in bx))), out_dim
    a, b = to_front(a, da), to_front(b, db)
    letters = iter(string.ascii_letters[1:])
    a_terms = [next(letters) for _ in range(ndim(a) - 1)]
    b_terms = [a_terms[ax[bx.index(j)]] if j in bx else next(letters) for j in range(ndim(b) - 1)]
    free = [c for i, c in enumerate(a_terms) if i not in ax] + [c for j, c in enumerate(b_terms) if j not in bx]
    equation = 'a' + ''.join(a_terms) + ',a' + ''.join(b_terms) + '->a' + ''.join(free)
    return einsum.bind(a, b, equation=equation), 0


_T3 = np.arange(24.).reshape(2, 3, 4) / 10 - 1
tensordot = defprim('tensordot', np.tensordot, _tensordot_rule, vjp=_tensordot_vjp, jvp='bilinear',
                    batch=_tensordot_batch, samples=[((_T3, np.arange(24.).reshape(4, 3, 2) / 7), {'axes': ((1, 2), (1, 0))}),
                     ((_T3, np.arange(40.).reshape(4, 5, 2) / 9), {'axes': ((2, 0), (0, 2))}),
                     ((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])),
                      {'axes': ((1,), (0,))}),
                     ((np.array([0.5, -1.2]), np.array([1.5, 0.2, -0.7])), {'axes': ((), ())})])


# ---------------------------------------------------------------- einsum
def parse_einsum(equation, shapes):
    """-> (inputs, output, sizes): the subscripts of each operand and of the output as lists of
    letters, with `...` spelled out in letters the equation does not use, and each letter's size
    (operands broadcast a size-1 axis against a longer one, as NumPy does)."""
    eq = equation.replace(' ', '')
    if eq.count('->') > 1:
        raise ValueError(f"einsum: the equation {equation!r} has more than one '->'")
    lhs, rhs = eq.split('->') if '->' in eq else (eq, None)
    terms = lhs.split(',')
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: the equation {equation!r} names {len(terms)} operands, {len(shapes)} given")
    free = [c for c in string.ascii_letters if c not in eq]
    ellipsis_ndim = 0
    named = []
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        letters = _subscript_letters(term, equation)
        if '...' in term:
            if len(letters) > len(shape):
                raise ValueError(f"einsum: operand {k} of shape {shape} has fewer axes than the "
                                 f"subscripts {term!r} name")
            ellipsis_ndim = max(ellipsis_ndim, len(shape) - len(letters))
        elif len(letters) != len(shape):
            raise ValueError(f"einsum: operand {k} has shape {shape} ({len(shape)} axes) but the "
                             f"subscripts {term!r} name {len(letters)}")
        repeated = sorted({c for c in letters if letters.count(c) > 1})
        if repeated:
            raise ValueError(f"einsum: subscript {repeated[0]!r} repeats within operand {k} ({term!r}): "
                             "traces and diagonals inside einsum are not supported; use ops.trace or "
                             "ops.diagonal")
        named.append(letters)
    ellipsis = free[:ellipsis_ndim]
    inputs = []
    for term, shape, letters in zip(terms, shapes, named):
        own = len(shape) - len(letters)
        inputs.append(_expand(term, ellipsis[ellipsis_ndim - own:] if own else []))
    if rhs is None:
        every = [c for letters in named for c in letters]
        singles = sorted(c for c in set(every) if every.count(c) == 1)
        output = ellipsis + singles
    else:
        out_letters = _subscript_letters(rhs, equation)
        if ellipsis_ndim and '...' not in rhs:
            raise ValueError(f"einsum: the operands have axes under '...' but the output {rhs!r} has no '...'")
        for c in out_letters:
            if out_letters.count(c) > 1 or not any(c in t for t in named):
                raise ValueError(f"einsum: output subscript {c!r} in {equation!r} repeats or names no input axis")
        output = _expand(rhs, ellipsis)
    return inputs, output, _label_sizes(inputs, shapes, equation)


def _subscript_letters(term, equation):
    letters = term.replace('...', '', 1)
    if not all(c in string.ascii_letters for c in letters):
        raise ValueError(f"einsum: the equation {equation!r} may hold only letters, ',', '->' and one '...' per term")
    return list(letters)


def _expand(term, ellipsis_letters):
    head, _, tail = term.partition('...')
    return list(head) + (list(ellipsis_letters) + list(tail) if '...' in term else [])


def _label_sizes(inputs, shapes, equation):
    sizes = {}
    for letters, shape in zip(inputs, shapes):
        for c, n in zip(letters, shape):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise ValueError(f"einsum: axes labelled {c!r} in {equation!r} have sizes {sizes[c]} and {n} "
                                 f"(shapes {', '.join(str(s) for s in shapes)})")
            if n != 1 or c not in sizes:
                sizes[c] = n
    return sizes


def canonical_einsum(equation, shapes):
    """The equation without spaces and with its output spelled out ('ij,jk' -> 'ij,jk->ik')."""
    _, output, _ = parse_einsum(equation, shapes)
    eq = equation.replace(' ', '')
    if '->' in eq:
        return eq
    ellipsis = '...' if any(c not in eq for c in output) else ''
    return eq + '->' + ellipsis + ''.join(c for c in output if c in eq)


def _einsum_rule(*operands, equation):
    for x in operands:
        _array(x, 'einsum')
    _, output, sizes = parse_einsum(equation, [x.shape for x in operands])
    return Aval(tuple(sizes[c] for c in output), np.result_type(*[x.dtype for x in operands]))


def _einsum_vjp(g, *operands, out, equation):
    """The cotangent of operand i is einsum('out,others->in_i', g, *others); letters of operand i
    that no other term holds were summed away alone, so that result is broadcast back."""
    inputs, output, sizes = parse_einsum(equation, [x.shape for x in operands])
    cts = []
    for i, x in enumerate(operands):
        if not np.issubdtype(x.dtype, np.inexact):
            cts.append(None)
            continue
        terms = [output] + [t for j, t in enumerate(inputs) if j != i]
        args = [g] + [o for j, o in enumerate(operands) if j != i]
        held = set().union(*map(set, terms))
        target = [c for c in inputs[i] if c in held]
        if len(args) == 1 and terms[0] == target:
            ct = g
        else:
            ct = ops.einsum(','.join(map(''.join, terms)) + '->' + ''.join(target), *args)
        if len(target) < len(inputs[i]):
            ct = ops.reshape(ct, tuple(sizes[c] if c in held else 1 for c in inputs[i]))
        ct = unbroadcast(ct, x.shape)
        cts.append(ops.broadcast_to(ct, x.shape) if ct.shape != tuple(x.shape) else ct)
    return tuple(cts)


def _einsum_batch(prim, args, dims, equation):
    """A letter the equation does not use names the batch, in each batched operand's term and
    first in the output (spelled out, or the batch would be summed)."""
    shapes = [tuple(x.shape[:d]) + tuple(x.shape[d + 1:]) if d is not None else tuple(x.shape)
              for x, d in zip(args, dims)]
    lhs, rhs = canonical_einsum(equation, shapes).split('->')
    letter = next(c for c in string.ascii_letters if c not in equation)
    terms = [letter + t if d is not None else t for t, d in zip(lhs.split(','), dims)]
    moved = [to_front(x, d) for x, d in zip(args, dims)]
    return prim.bind(*moved, equation=','.join(terms) + '->' + letter + rhs), 0


_M23 = np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]])
_M32 = np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])
einsum = defprim('einsum', kernels.einsum, _einsum_rule, vjp=_einsum_vjp, jvp='bilinear', batch=_einsum_batch,
                 samples=[((_M23, _M32), {'equation': 'ij,jk->ik'}),
                  ((_T3, np.arange(24.).reshape(2, 4, 3) / 9), {'equation': 'bij,bjk->bik'}),
                  ((np.array([0.5, -1.2, 2.0]), np.array([0.2, -0.7, 1.1])), {'equation': 'i,i->'}),
                  ((_M23,), {'equation': 'ij->ji'}),
                  ((_M23,), {'equation': 'ij->i'}),
                  ((_T3, np.arange(8.).reshape(4, 2) / 5), {'equation': '...ij,jk->...ik'}),
                  ((_M23, np.array([0.2, -0.7, 1.1])), {'equation': '...i,...i->...'}),
                  ((_M23[:1], _M23), {'equation': 'ij,ij->ij'}),
                  ((_M23, np.array([0.3, -0.8])), {'equation': 'ij,k->ik'}),
                  ((_M23, _M32, np.array([[0.3, -0.8], [1.2, 0.4]])), {'equation': 'ij,jk,kl->il'})],
                  array_api=standard.einsum)


# ---------------------------------------------------------------- outer
def _outer_rule(a, b):
    _array(a, 'outer'), _array(b, 'outer')
    return Aval((int(np.prod(a.shape)), int(np.prod(b.shape))), np.result_type(a.dtype, b.dtype))


def _outer_vjp(g, a, b, out):
    a_flat = ops.reshape(a, (out.shape[0],))
    b_flat = ops.reshape(b, (out.shape[1],))
    return (ops.reshape(ops.matmul(g, b_flat), a.shape),
            ops.reshape(ops.matmul(a_flat, g), b.shape))


def _outer_batch(prim, args, dims):
    """Each example flattened on its own: a column times a row, broadcast over the batch."""
    (a, b), (da, db) = args, dims
    col = ops.reshape(a, (-1, 1)) if da is None else ops.reshape(to_front(a, da), (a.shape[da], -1, 1))
    row = ops.reshape(b, (1, -1)) if db is None else ops.reshape(to_front(b, db), (b.shape[db], 1, -1))
    return col * row, 0


outer = defprim('outer', np.outer, _outer_rule, vjp=_outer_vjp, jvp='bilinear', batch=_outer_batch,
                samples=[((np.array([0.5, -1.2, 2.0]), np.array([0.2, -0.7, 1.1, 0.4])), {}),
                         ((_M23, np.array([0.3, -0.8])), {})], array_api=standard.outer)


# ---------------------------------------------------------------- matrix functions
def _matrix_rule(prim, kernel, shape_of=lambda s: s):
    def rule(x, **params):
        _square(x, prim)
        return Aval(shape_of(x.shape), result_dtype(kernel, [x], **params))
    return rule


def _inverse_vjp(g, x, out):
    return (-ops.matmul(ops.matmul(_mT(out), g), _mT(out)),)


def _det_vjp(g, x, out):
    scale = ops.expand_dims(ops.expand_dims(g * out, -1), -1)
    return (scale * _mT(ops.inverse(x)),)


def _solve_rule(a, b):
    _square(a, 'solve'), _array(b, 'solve', 1)
    m = a.shape[-1]
    if len(b.shape) == 1:           # NumPy 2: a 1-D b is one vector, for every matrix of a batch
        if b.shape[0] != m:
            raise ValueError(f"matrices {a.shape} do not match the vector {b.shape}")
        shape = a.shape[:-1]
    else:
        if b.shape[-2] != m:
            raise ValueError(f"matrices {a.shape} do not match right-hand sides {b.shape}")
        try:
            batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ValueError(f"batch shapes of {a.shape} and {b.shape} do not broadcast") from None
        shape = batch + b.shape[-2:]
    return Aval(shape, result_dtype(np.linalg.solve, [a, b]))


def _solve_vjp(g, a, b, out):
    """x = a^-1 b: db = a^-T g, da = -db x^T."""
    at = _mT(a)
    if len(b.shape) == 1 and len(a.shape) > 2:   # one vector against a batch of matrices
        db = ops.matrix_solve(at, ops.expand_dims(g, -1))
        da = -ops.matmul(db, ops.expand_dims(out, -2))
        return da, ops.reshape(db, db.shape[:-1])
    db = ops.matrix_solve(at, g)
    if len(b.shape) == 1:
        return -ops.outer(db, out), db
    return -ops.matmul(db, _mT(out)), db


def _cholesky_vjp(g, x, out, upper=False):
    """NumPy reads only the lower triangle (the upper one when upper=True), so the gradient is
    lower triangular: Phi(S + S^T) with S = L^-T Phi(L^T G) L^-1 and Phi = the lower triangle with
    its diagonal halved. Its symmetric part is the symmetric gradient of the usual formula."""
    lower, g_lower = (_mT(out), _mT(g)) if upper else (out, g)
    n = x.shape[-1]
    phi = ops.creation._numpy_tri(n, dtype=x.dtype) - 0.5 * ops.eye(n, dtype=x.dtype)
    lt = _mT(lower)
    y = ops.matrix_solve(lt, ops.matmul(lt, g_lower) * phi)
    s = _mT(ops.matrix_solve(lt, _mT(y)))
    dx = (s + _mT(s)) * phi
    return (_mT(dx) if upper else dx,)


_SPD = np.array([[4.0, 1.2, -0.5], [0.7, 3.0, 0.4], [-0.3, 0.2, 2.5]])
_BATCH = np.array([[[2.0, 0.3], [-0.4, 1.5]], [[1.2, -0.7], [0.5, 3.1]]])

def _solve_jvp(primals, tangents, out):
    """x = a^-1 b: dx = a^-1 (db - da x), with a 1-D b solved as a column."""
    (a, b), (da, db) = primals, tangents
    vector = len(b.shape) == 1
    x = ops.expand_dims(out, -1) if vector else out
    rhs = None
    if db is not None:
        rhs = ops.broadcast_to(ops.expand_dims(db, -1) if vector else db, x.shape)
    if da is not None:
        moved = ops.matmul(da, x)
        rhs = -moved if rhs is None else rhs - moved
    dx = ops.matrix_solve(a, rhs)
    return ops.reshape(dx, out.shape) if vector else dx


def _cholesky_jvp(primals, tangents, out, upper=False):
    """dL = L Phi(L^-1 S L^-T), S the symmetric matrix NumPy reads from the tangent's lower
    triangle (upper, with upper=True, where U = L^T), Phi the lower triangle with its diagonal
    halved."""
    (x,), (t,) = primals, tangents
    n = x.shape[-1]
    lower = ops.creation._numpy_tri(n, dtype=x.dtype)
    eye = ops.eye(n, dtype=x.dtype)
    read = _mT(lower) if upper else lower          # the triangle NumPy reads
    s = t * read + _mT(t * (read - eye))
    factor = _mT(out) if upper else out
    m = ops.matrix_solve(factor, _mT(ops.matrix_solve(factor, s)))
    d_factor = ops.matmul(factor, m * (lower - 0.5 * eye))
    return _mT(d_factor) if upper else d_factor


def _solve_batch(prim, args, dims):
    """A batch of vectors b goes as columns (NumPy would read it as a matrix); batched operands
    get leading 1s to broadcast against the other's batch axes."""
    (a, b), (da, db) = args, dims
    vector = ndim(b) - (db is not None) == 1
    a, b = to_front(a, da), to_front(b, db)
    if vector and db is not None:
        b = ops.expand_dims(b, -1)
    rank = max(ndim(a) - (da is not None), ndim(b) - (db is not None))
    a = a if da is None else lift(a, rank)
    b = b if db is None else lift(b, rank)
    out = prim.bind(a, b)
    return (ops.reshape(out, tuple(out.shape[:-1])) if vector and db is not None else out), 0


# Matrix functions act on the last two axes and broadcast over the rest: a batch goes in front.
inverse = defprim('inverse', np.linalg.inv, _matrix_rule('inverse', np.linalg.inv), vjp=_inverse_vjp,
                  jvp=lambda primals, tangents, out: -ops.matmul(ops.matmul(out, tangents[0]), out),
                  batch=front_batch, samples=[((_SPD,), {}), ((_BATCH,), {})], spelling='np.linalg.inv',
                  array_api='linalg.inv')
det = defprim('det', np.linalg.det, _matrix_rule('det', np.linalg.det, lambda s: s[:-2]), vjp=_det_vjp,
              jvp=lambda primals, tangents, out: out * ops.sum(_mT(ops.inverse(primals[0])) * tangents[0], (-2, -1)),
              batch=front_batch, samples=[((_SPD,), {}), ((_BATCH,), {})], spelling='np.linalg.det',
              array_api='linalg.det')
solve = defprim('solve', np.linalg.solve, _solve_rule, vjp=_solve_vjp, jvp=_solve_jvp, batch=_solve_batch,
                samples=[((_SPD, _M32), {}), ((_SPD, np.array([0.3, -1.1, 0.8])), {}),
                         ((_BATCH, np.array([[[0.3], [-1.1]], [[0.8], [0.2]]])), {}),
                         ((_BATCH, np.array([[0.3, 0.5], [-1.1, 0.9]])), {}),
                         ((_BATCH, np.array([0.3, -1.1])), {}),
                         ((_SPD, np.arange(12.).reshape(2, 3, 2) / 7 - 0.5), {})],
                spelling='np.linalg.solve', array_api='linalg.solve')
cholesky = defprim('cholesky', np.linalg.cholesky, _matrix_rule('cholesky', np.linalg.cholesky),
                   vjp=_cholesky_vjp, jvp=_cholesky_jvp, batch=front_batch,
                   samples=[((_SPD,), {}), ((_SPD,), {'upper': True}),
                            ((np.array([[[2.0, 0.3], [-0.4, 1.5]], [[3.2, -0.7], [0.5, 3.1]]]),), {})],
                   spelling='np.linalg.cholesky', array_api=standard.cholesky)


# ---------------------------------------------------------------- diagonals
def _trace_rule(x, offset=0, axis1=0, axis2=1):
    _array(x, 'trace', 2)
    ndim = len(x.shape)
    if not (0 <= axis1 < ndim and 0 <= axis2 < ndim) or axis1 == axis2:
        raise ValueError(f"axes {axis1} and {axis2} are not two distinct axes of shape {x.shape}")
    shape = tuple(n for i, n in enumerate(x.shape) if i not in (axis1, axis2))
    return Aval(shape, result_dtype(np.trace, [x], offset=offset, axis1=axis1, axis2=axis2))


def _trace_vjp(g, x, out, offset=0, axis1=0, axis2=1):
    """g spread over the traced diagonal: g (expanded) times an identity-like mask."""
    lo, hi = sorted((axis1, axis2))
    k = offset if axis1 < axis2 else -offset
    n, m = x.shape[lo], x.shape[hi]
    mask = ops.eye(n, None if m == n else m, dtype=x.dtype, k=k)
    mask_shape = tuple(n if i in (lo, hi) else 1 for i, n in enumerate(x.shape))
    g_shape = tuple(1 if i in (lo, hi) else n for i, n in enumerate(x.shape))
    return (ops.reshape(g, g_shape) * ops.reshape(mask, mask_shape),)


def _diag_length(shape, k):
    return max(0, min(shape[0] - max(-k, 0), shape[1] - max(k, 0)))


def _diag_rule(v, k=0):
    _array(v, 'diag', 1)
    if len(v.shape) == 1:
        n = v.shape[0] + abs(k)
        return Aval((n, n), v.dtype)
    if len(v.shape) == 2:
        return Aval((_diag_length(v.shape, k),), v.dtype)
    raise ValueError(f"diag takes a 1-D array (to build a matrix) or a 2-D one (to read its "
                     f"diagonal), got shape {v.shape}")


def _diag_vjp(g, v, out, k=0):
    """np.diag is its own adjoint up to shape: read the diagonal of a built matrix's cotangent;
    put a read diagonal's cotangent back in place (rows @ diag @ columns for any shape)."""
    if len(v.shape) == 1:
        return (ops.diagonal(g, k),)
    m, n = v.shape
    if m == n and k == 0:
        return (ops.diag(g),)
    p = out.shape[0]
    rows = ops.eye(m, p, dtype=g.dtype, k=-max(-k, 0))
    cols = ops.eye(p, n, dtype=g.dtype, k=max(k, 0))
    return (ops.matmul(rows * g, cols),)


def _diag_batch(prim, args, dims, k=0):
    """Through subscripts: a batch of vectors written onto the k-th diagonals of zeros, or the
    k-th diagonals of a batch of matrices read (exact for any value, inf and NaN included)."""
    v = to_front(args[0], dims[0])
    size = v.shape[0]
    if ndim(v) == 2:
        n = v.shape[1]
        rows, cols = np.arange(n) + max(-k, 0), np.arange(n) + max(k, 0)
        zeros = ops.zeros((size, n + abs(k), n + abs(k)), v.dtype)
        return setitem.bind(zeros, v, rows, cols, index=(slice(None), 'array', 'array')), 0
    p = _diag_length(v.shape[1:], k)
    rows, cols = np.arange(p) + max(-k, 0), np.arange(p) + max(k, 0)
    return getitem.bind(v, rows, cols, index=(slice(None), 'array', 'array')), 0


trace = defprim('trace', np.trace, _trace_rule, vjp=_trace_vjp, jvp='linear', batch=axis_batch('axis1', 'axis2'),
                samples=[((_M23,), {}), ((_M23,), {'offset': 1}),
                         ((_T3,), {'axis1': 1, 'axis2': 2}), ((_T3,), {'offset': -1, 'axis1': 2, 'axis2': 0})],
                         array_api=standard.trace)
diag = defprim('diag', np.diag, _diag_rule, vjp=_diag_vjp, jvp='linear', batch=_diag_batch,
               samples=[((np.array([0.5, -1.2, 2.0]),), {}), ((np.array([0.5, -1.2, 2.0]),), {'k': 1}),
                        ((np.array([0.5, -1.2, 2.0]),), {'k': -2}),
                        ((_SPD,), {}), ((_M23,), {}), ((_M32,), {'k': -1}), ((_M23,), {'k': 1})],
                        array_api=standard.diag)
