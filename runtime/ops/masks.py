"""`x[mask]` with a boolean mask known only when the code runs.

Eagerly (and in compiled code, for a mask known while compiling) a boolean mask is what NumPy
makes it: the integer indices of its true elements (`subscript.getitem`). In compiled code a mask
computed from run-time values gives a result whose length is known only at run time, and the
generated code has static shapes, so `x[mask]` there is a `Selection`: x (its values) and the
mask, kept apart. What compiled code can do with it are the uses that keep static shapes, as
MindSpore's graph mode rewrites them:
- `ops.sum(x[mask])`, `x[mask].sum()`, `np.sum`: `sum(where(mask, x, 0))`;
- `ops.mean`, `.mean()`, `np.mean`: that sum over the number of selected elements, counted when
  the code runs (its gradient is mask / count);
- arithmetic with numbers, with Tensors of the selected rows' trailing shape and with another
  selection by the same mask, which stays a selection (`(x[mask] - 1) ** 2`);
- `x[mask] = v`, `x[mask] += v`: `where(mask, v, x)` (subscript.setitem).
Anything else raises DataDependentShape, which the compiler reports at the user's line, naming
`ops.where` and `ops.masked_fill`.

A mask with fewer axes than x selects along the leading axes, as in NumPy: it is expanded with
trailing axes of length 1 before any `where`.
"""
import math

import numpy as np

from ..primitives import reductions as P
from ..primitives.core import normalize_axis, axes_tuple
from .common import aval_of
from .elementwise import cast, stop_gradient, where
from .shapes import reshape

_WHAT_WORKS = ("compiled code can sum it, average it or assign to it (ops.sum(x[mask]), "
               "ops.mean(x[mask]), x[mask].sum(), x[mask] = v), and do arithmetic on it before that")
_INSTEAD = ("keep the shape with ops.where(mask, x, 0) or ops.masked_fill(x, ~mask, 0) (then sum, "
            "average or combine those)")


class DataDependentShape(IndexError):
    """A use of `x[mask]` (a mask known only at run time) that needs its shape."""


def refusal(what):
    return DataDependentShape(
        f"{what}: indexing with a boolean mask (x[mask]) gives a shape known only when the code "
        f"runs; {_WHAT_WORKS}. For anything else, {_INSTEAD}")


class Selection:
    """`values[mask]` while compiling, for a mask known only at run time. `safe`: whether the
    values where the mask is false already hold a selected row (see `_safe_values`)."""
    __slots__ = ('values', 'mask', 'safe')
    __array_ufunc__ = None           # NumPy operands defer to the reflected operators here

    def __init__(self, values, mask, safe=False):
        shape, _ = aval_of(values)
        mask_shape, _ = aval_of(mask)
        if tuple(shape[:len(mask_shape)]) != tuple(mask_shape):
            raise IndexError(f"a boolean mask of shape {tuple(mask_shape)} does not match the "
                             f"indexed array of shape {tuple(shape)}")
        self.values, self.mask, self.safe = values, mask, safe

    # ------------------------------------------------------------ shapes
    @property
    def rest(self):
        """The shape of each selected element: the axes of x after the mask's."""
        return tuple(aval_of(self.values)[0][len(aval_of(self.mask)[0]):])

    def expanded_mask(self):
        mask_shape = tuple(aval_of(self.mask)[0])
        if not self.rest:
            return self.mask
        return reshape(self.mask, mask_shape + (1,) * len(self.rest))

    # ------------------------------------------------------------ reductions
    def reduce(self, kind, axis=None, keepdims=False, dtype=None):
        """sum or mean over `axis` of the selection (whose axis 0 is the selected elements)."""
        rest = self.rest
        axes = normalize_axis(axis, 1 + len(rest))
        axes = axes_tuple(axes, 1 + len(rest))
        if 0 not in axes:
            raise refusal(f"{kind} of x[mask] over axis {axis}, which keeps the axis of the "
                          "selected elements")
        mask_axes = len(aval_of(self.mask)[0])
        value_axes = tuple(range(mask_axes)) + tuple(mask_axes - 1 + a for a in axes if a > 0)
        values = self.values if dtype is None else cast(self.values, dtype)
        total = P.reduce_sum.bind(where(self.expanded_mask(), values, 0), axis=value_axes,
                                  keepdims=False)
        if keepdims:
            total = reshape(total, (1,) + tuple(1 if k + 1 in axes else n for k, n in enumerate(rest)))
        if kind == 'sum':
            return total
        count = P.reduce_sum.bind(cast(self.mask, np.int64), axis=None, keepdims=False)
        per_element = math.prod(n for k, n in enumerate(rest) if k + 1 in axes)
        float_dtype = aval_of(total)[1] if aval_of(total)[1].kind == 'f' else np.float64
        return total / cast(count * per_element if per_element != 1 else count, float_dtype)

    def sum(self, *args, **kwargs):
        from .reductions import sum
        return sum(self, *args, **kwargs)

    def mean(self, *args, **kwargs):
        from .reductions import mean
        return mean(self, *args, **kwargs)

    # ------------------------------------------------------------ arithmetic
    def _safe_values(self):
        """The values with each unselected element replaced by the first selected one (held
        constant): an op then sees only values it sees among the selected ones, so a
        derivative that is infinite at an unselected element (1 / x at 0, x ** 0.5 at 0) cannot
        turn the gradient's zeros there into NaN."""
        if self.safe:
            return self.values
        from .reductions import argmax
        from .subscript import getitem
        rest = self.rest
        first = argmax(reshape(cast(self.mask, np.int8), (-1,)))
        row = stop_gradient(getitem(reshape(self.values, (-1,) + rest), first))
        return where(self.expanded_mask(), self.values, row)

    def _operand(self, other, what):
        if isinstance(other, Selection):
            if not same_mask(other.mask, self.mask):
                raise refusal(f"{what} of two selections by different masks (use one mask "
                              "variable for both)")
            return other
        shape, _ = aval_of(other)
        rest = self.rest
        if len(shape) > len(rest) or any(a not in (1, b) for a, b in zip(shape[::-1], rest[::-1])):
            raise refusal(f"{what} of x[mask] and an array of shape {tuple(shape)} (only numbers "
                          f"and arrays of the selected elements' shape {rest} combine with it)")
        return other

    def _apply(self, fn, other, what, reflected=False, risky=False):
        other = self._operand(other, what)
        mine = self._safe_values() if risky else self.values
        theirs = other
        if isinstance(other, Selection):
            theirs = other._safe_values() if risky else other.values
        result = fn(theirs, mine) if reflected else fn(mine, theirs)
        return Selection(result, self.mask, safe=self.safe or risky)

    def __add__(self, other): return self._apply(_op('add'), other, 'a sum')
    def __radd__(self, other): return self._apply(_op('add'), other, 'a sum', True)
    def __sub__(self, other): return self._apply(_op('sub'), other, 'a difference')
    def __rsub__(self, other): return self._apply(_op('sub'), other, 'a difference', True)
    def __mul__(self, other): return self._apply(_op('mul'), other, 'a product')
    def __rmul__(self, other): return self._apply(_op('mul'), other, 'a product', True)
    def __truediv__(self, other): return self._apply(_op('div'), other, 'a quotient', risky=True)
    def __rtruediv__(self, other): return self._apply(_op('div'), other, 'a quotient', True, True)
    def __floordiv__(self, other): return self._apply(_op('floor_divide'), other, 'a quotient', risky=True)
    def __rfloordiv__(self, other): return self._apply(_op('floor_divide'), other, 'a quotient', True, True)
    def __mod__(self, other): return self._apply(_op('remainder'), other, 'a remainder', risky=True)
    def __rmod__(self, other): return self._apply(_op('remainder'), other, 'a remainder', True, True)
    def __pow__(self, other): return self._apply(_op('pow'), other, 'a power', risky=True)
    def __rpow__(self, other): return self._apply(_op('pow'), other, 'a power', True, True)
    def __lt__(self, other): return self._apply(_op('less'), other, 'a comparison')
    def __le__(self, other): return self._apply(_op('less_equal'), other, 'a comparison')
    def __gt__(self, other): return self._apply(_op('greater'), other, 'a comparison')
    def __ge__(self, other): return self._apply(_op('greater_equal'), other, 'a comparison')
    def __eq__(self, other): return self._apply(_op('equal'), other, 'a comparison')
    def __ne__(self, other): return self._apply(_op('not_equal'), other, 'a comparison')
    def __neg__(self): return Selection(-self.values, self.mask, self.safe)
    def __pos__(self): return self
    def __abs__(self): return Selection(abs(self.values), self.mask, self.safe)
    __hash__ = object.__hash__

    # ------------------------------------------------------------ everything else
    def not_an_operand(self):
        return refusal("x[mask] given to an operation")

    @property
    def shape(self): raise refusal("the shape of x[mask]")
    @property
    def dtype(self): raise refusal("x[mask] given to an operation")
    @property
    def ndim(self): raise refusal("the ndim of x[mask]")
    @property
    def size(self): raise refusal("the size of x[mask]")

    def __len__(self): raise refusal("len() of x[mask]")
    def __iter__(self): raise refusal("iterating over x[mask]")
    def __bool__(self): raise refusal("the truth value of x[mask]")
    def __getitem__(self, index): raise refusal("indexing x[mask] again")
    def __setitem__(self, index, value): raise refusal("assigning into x[mask] again")
    def __array__(self, dtype=None, copy=None): raise refusal("x[mask] given to NumPy")
    def __matmul__(self, other): raise refusal("matmul of x[mask]")
    def __rmatmul__(self, other): raise refusal("matmul of x[mask]")

    def __getattr__(self, name):
        if name.startswith('__'):      # a protocol probe (copy, pickle, hasattr of a hook)
            raise AttributeError(name)
        raise refusal(f"x[mask].{name}")

    def __repr__(self):
        return 'x[mask]'


def same_mask(a, b, depth=16):
    """Whether two masks are the same computation (`x[x > 1] += w[x > 1]` computes x > 1 twice):
    the same value, or the same primitive with the same parameters on the same inputs. (Random
    draws differ each time; an op with regions is compared by identity only.)"""
    if a is b:
        return True
    op_a, op_b = getattr(a, 'op', None), getattr(b, 'op', None)
    if op_a is None or op_b is None:
        const_a, const_b = getattr(a, 'const', None), getattr(b, 'const', None)
        return isinstance(const_a, (bool, int, float)) and type(const_a) is type(const_b) and \
            const_a == const_b
    if depth == 0 or op_a.prim is not op_b.prim or op_a.regions or op_b.regions or \
            getattr(op_a.prim, 'random', False) or getattr(op_a.prim, 'effect', False):
        return False
    if op_a.outs.index(a) != op_b.outs.index(b) or len(op_a.inputs) != len(op_b.inputs):
        return False
    try:
        if op_a.params.keys() != op_b.params.keys() or \
                any(bool(np.any(op_a.params[k] != op_b.params[k])) for k in op_a.params):
            return False
    except (TypeError, ValueError):
        return False
    return all(same_mask(x, y, depth - 1) for x, y in zip(op_a.inputs, op_b.inputs))


def _op(name):
    from . import elementwise
    return getattr(elementwise, name)


def select(values, mask):
    return Selection(values, mask)


def assign(input, mask, value):
    """`input[mask] = value` as `where(mask, value, input)`, value cast to input's dtype as
    NumPy's assignment casts it."""
    shape, dtype = aval_of(input)
    if isinstance(value, Selection):
        if not same_mask(value.mask, mask):
            raise refusal("assigning a selection by another mask to x[mask]")
        value = value.values
    selection = Selection(input, mask)
    if isinstance(value, (bool, int, float)):
        # a Python number stays one (NumPy gives it x's dtype), of x's kind: 5.7 into ints is 5
        if dtype.kind in 'iu' and isinstance(value, float):
            value = int(value)
        elif dtype.kind == 'b':
            value = bool(value)
    elif aval_of(value)[1] != dtype:
        value = cast(value, dtype)
    value_shape = tuple(aval_of(value)[0])
    try:
        fits = np.broadcast_shapes(value_shape, tuple(shape)) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise refusal(f"x[mask] = v with v of shape {value_shape}, which does not broadcast to "
                      f"x's shape {tuple(shape)} (compiled code writes v where the mask holds, so "
                      "v cannot hold one value per selected element)")
    return where(selection.expanded_mask(), value, input)
