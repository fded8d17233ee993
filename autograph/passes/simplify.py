"""Graph -> smaller equivalent Graph: algebraic simplification, constant folding and CSE.

One forward sweep rebuilds every op through a fresh builder, after trying the rewrites its
primitive's declaration names (`rewrites=`, the table `REWRITES` here) and those its algebraic
facts allow (`runtime.primitive.Primitive`):
- named rewrites: `stop_gradient(x)` -> `x` (it only matters to AD, which has run by now);
  reshape/broadcast_to to the same shape, cast to the same dtype, transpose of a vector or of a
  transpose do nothing; `x ** 0` is 1; a sum of a fill is a fill; and NumPy's faster forms:
  a matmul over an inner axis of length 1 is np.dot (a broadcast product for stacks), a
  reshape that inserts or drops unit axes a subscript (`x[:, None]`, `y[:, 0]`); an in-place
  `add_to` read back is an `add` again (`mul_to` a `mul`);
- identities (`x * 1`, `x + 0`, `x - 0`, `x / 1`, `x ** 1`), negation (`x * -1` is `-x`),
  absorbing elements (`x * 0` is 0, as in algebra, and as symbolic zeros in AD: an inf or NaN in
  x does not survive it), `x + -y` -> `x - y`, idempotence (`relu(relu(x))`, `max(x, x)`);
- folding of fills (`full`, as `ops.ones_like` makes): an elementwise op on fills and scalars is a
  fill; a primitive that keeps fills (reshape, broadcast, mean) of a fill is a fill; and a fill
  operand whose broadcast changes nothing becomes a Python number in the code
  (`(1 - y) * 0.33333334`), never an array;
- common subexpressions: the same primitive on the same inputs with the same params is computed
  once, what a rewrite builds included.
The output has the same outputs and input list; dead ops are left to `dce`.
"""
import math
from collections import ChainMap

import numpy as np

from runtime.primitive import REGISTRY
from ..ir import Builder, Graph, Value, constant
from ..ir.control import construct
from ..ir.core import MachineName, Op, Region, walk
from ..tree import map_tree

_FULL, _RESHAPE, _TRANSPOSE, _NEG, _ADD, _SUB, _MUL, _BROADCAST_TO, _GETITEM, _DOT, _INDEX_ADD, _STACK = (
    REGISTRY[n] for n in ('full', 'reshape', 'transpose', 'neg', 'add', 'sub', 'mul', 'broadcast_to', 'getitem',
                          'dot', 'index_add', 'stack'))


def simplify(graph):
    builder = Builder()
    env = {}
    _simplify_ops(graph.ops, builder, env, ChainMap())
    outputs = map_tree(lambda v: _writable(builder, _get(env, v)), graph.outputs)
    return Graph(graph.name, graph.inputs, builder.ops, outputs)


def _writable(builder, v):
    """A result the caller gets is an array of its own: a broadcast view (read-only, and sharing
    an input's memory) is written out in full (`g * np.ones(shape)`)."""
    if not (isinstance(v, Value) and v.op is not None and v.op.prim is _BROADCAST_TO):
        return v
    ones = builder.emit(_FULL, [], {'shape': v.shape, 'fill_value': 1, 'dtype': v.dtype}, v.op.loc)
    out = builder.emit(_MUL, [v.op.inputs[0], ones], {}, v.op.loc)
    out.name = v.name
    return out


def _get(env, v):
    return env.get(id(v), v) if isinstance(v, Value) else v


def _simplify_ops(ops, builder, env, seen, again=True):
    """Rebuild `ops` into `builder`; `env` maps old values to their replacements, `seen` is the
    CSE table of this scope (a region gets a child scope, so nothing inside leaks out: a
    ChainMap, as copying the table for each region would make many ifs quadratic)."""
    for op in ops:
        inputs = [_get(env, v) for v in op.inputs]
        if op.prim.effect:   # acts: kept as it is, never merged
            builder.ops.append(Op(op.prim, inputs, op.params, op.outs, op.loc))
            continue
        if op.regions:
            if construct(op).repeats:
                _forget_pass_through(op, env)     # an enclosing loop may simplify its body again
                _pass_through(op, op.regions, env, inside=True)
            regions = _simplified_regions(op, builder, env, seen, again)
            if construct(op).repeats and _pass_through(op, regions, env, inside=again):
                # again, knowing what they hold; loops inside take one pass then, so that the
                # work stays a pass per level of nesting
                regions = _simplified_regions(op, builder, env, seen, again=False)
            if construct(op).repeats:
                _one_list_per_value(op, regions, env)
            builder.ops.append(Op(op.prim, inputs, op.params, op.outs, op.loc, tuple(regions)))
            if construct(op).selects:
                _forward_shared_results(op, regions, env)
            continue
        built_before = len(builder.ops)
        inputs = _without_broadcasts(inputs, op)
        new = rewrite(builder, op, inputs)
        if new is None:
            inputs = [_literal_fill(v, inputs, op) for v in inputs]
            # Unseeded random draws differ each time: never merge two of them.
            # Arrays of zeros or ones are not shared either: each may become an accumulator
            # written in place (see passes.inplace), and they cost little to make.
            unique = (op.prim.random and op.params.get('seed') is None) or \
                (op.prim is _FULL and op.params['shape'] != ())
            key = (id(op),) if unique else _cse_key(op.prim, inputs, op.params)
            new = seen.get(key)
            if new is None:
                new = _rebuilt(builder, op, inputs)
                seen[key] = new
        elif len(builder.ops) > built_before and new is builder.ops[-1].out:
            if len(builder.ops) == built_before + 1:
                new = _shared(builder, new, seen)
            if new.name is None:
                new.name = op.out.name  # a value the rewrite built stands for op.out: it takes the name
        elif new.name is None and new.op is not None and not new.op.regions and new.op.loc is not None \
                and op.loc is not None and new.op.loc.grad == op.loc.grad:
            new.name = op.out.name      # so does an unnamed value op.out turned out to be (g * sub: sub)
        env[id(op.out)] = new


def _simplified_regions(op, builder, env, seen, again):
    regions = []
    for region in op.regions:
        with builder.region() as region_ops:
            _simplify_ops(region.ops, builder, env, seen.new_child(), again)
        regions.append(Region(region.args, region_ops, [_get(env, v) for v in region.results]))
    return regions


def _one_list_per_value(op, regions, env):
    """A loop that saves one value in two lists (one for each derivative that reads it) fills
    one: readers of the second read the first."""
    prim = construct(op)
    count, saves = prim.carried_count(op), prim.saves(op)
    body = regions[op.regions.index(prim.body(op))]
    first = {}
    for j in range(count, count + saves):
        k = first.setdefault(id(body.results[j]), j)
        if k != j:
            env[id(op.outs[j])] = op.outs[k]


def _forget_pass_through(op, env):
    prim = construct(op)
    for region in op.regions:
        for arg in prim.carried_args(op, region):
            env.pop(id(arg), None)
    for out in op.outs[:prim.carried_count(op)]:
        env.pop(id(out), None)


def _pass_through(op, regions, env, inside):
    """A loop's carried value that its body yields unchanged holds its initial value throughout
    (the gradient of a loop variable only iterated over, zeros that nothing adds to): its
    result is that value, and (`inside`) so are its arguments, which the body then reads.
    Returns whether its arguments changed so (the body is worth simplifying again)."""
    prim = construct(op)
    body = regions[op.regions.index(prim.body(op))]
    changed = False
    for k, (init, arg, result) in enumerate(zip(prim.carried_inputs(op), prim.carried_args(op), body.results)):
        if result is arg:
            value = _get(env, init)
            if inside and env.get(id(arg)) is not value:
                for region in op.regions:
                    env[id(prim.carried_args(op, region)[k])] = value
                changed = True
            env[id(op.outs[k])] = value
    return changed


def _shared(builder, new, seen):
    """`new`, the result of the one op a rewrite just built, or the equal value built before
    (the op is dropped): what a rewrite builds is computed once too."""
    op = new.op
    if op.prim.random or op.prim is _FULL:
        return new
    key = _cse_key(op.prim, op.inputs, op.params)
    if key in seen:
        builder.ops.pop()
        return seen[key]
    seen[key] = new
    return new


def _forward_shared_results(op, regions, env):
    """A result that every branch of `op` takes from outside the branches is that value."""
    inside = None
    for k, out in enumerate(op.outs):
        first = regions[0].results[k]
        if all(r.results[k] is first for r in regions):
            if inside is None:
                inside = {id(v) for r in regions for v in r.args} | \
                    {id(o) for r in regions for inner in walk(r.ops) for o in inner.outs}
            if id(first) not in inside:
                env[id(out)] = first


def _rebuilt(builder, op, inputs):
    """`op` applied to `inputs` in `builder`. When its shape rule would see what it saw before,
    the copy's result takes the old aval without running the rule again (most ops of a large
    graph come through unchanged, and the rules cost most of this pass)."""
    if all(_seen_alike(new, old) for new, old in zip(inputs, op.inputs)):
        out = Value(op.out.aval, op.out.name, weak=op.out.weak)
        builder.ops.append(Op(op.prim, inputs, op.params, [out], op.loc))
        return out
    new = builder.emit(op.prim, inputs, op.params, op.loc)
    new.name = op.out.name
    return new


def _seen_alike(new, old):
    """Whether a shape rule sees operand `new` as it sees `old` (`ir.core.operand`): the same
    value, or two run-time values of one aval and weakness (a Python number it sees by value)."""
    return new is old or (isinstance(new, Value) and isinstance(old, Value) and not new.is_scalar_const
                          and not old.is_scalar_const and new.aval == old.aval and new.weak == old.weak)


def fill_value(v):
    """The number every element of `v` holds, if that is known at compile time."""
    if v.is_scalar_const:
        return v.const
    if v.is_const and v.const.ndim == 0:
        return v.const.item()
    if v.op is not None and v.op.prim is _FULL:
        return v.op.params['fill_value']
    return None


def rewrite(builder, op, inputs):
    """An existing or new Value equal to `op` applied to `inputs`, or None to keep the op. What
    applies is what the primitive declares: its own rewrites by name, then its algebraic facts."""
    prim, out = op.prim, op.out
    for name in prim.rewrites:
        new = REWRITES[name](builder, op, inputs)
        if new is not None:
            return new
    fills = [fill_value(v) for v in inputs]
    if prim.keeps_fill and fills[0] is not None:
        return _fill(builder, fills[0], out, op.loc)
    if prim.elementwise and inputs and all(f is not None for f in fills):
        with np.errstate(all='ignore'):
            value = prim.kernel(*(np.asarray(f, v.dtype or _weak(f)) for f, v in zip(fills, inputs)),
                                **op.params)
        return _fill(builder, value.item(), out, op.loc)
    if len(inputs) == 2:
        x, y = inputs
        if prim.negate_right is not None:
            flipped = REGISTRY[prim.negate_right]
            if y.is_scalar_const and isinstance(y.const, (int, float)) and not isinstance(y.const, bool) \
                    and y.const < 0:
                return builder.emit(flipped, [x, constant(-y.const)], {}, op.loc)   # x + -0.2 -> x - 0.2
            if y.op is not None and y.op.prim is _NEG:
                # x + -y -> x - y, x - -y -> x + y (the adjoint of `-` makes these)
                return builder.emit(flipped, [x, y.op.inputs[0]], {}, op.loc)
            base, kind, value = _factored(y)
            if isinstance(value, (int, float)) and value < 0 and _same(y, out) and y.name is None:
                # x + y / -3 -> x - y / 3
                positive = _scaled(builder, base, kind, -value, y.op)
                if positive is not None:
                    return builder.emit(flipped, [x, positive], {}, op.loc)
        right = prim.identity if prim.identity is not None else prim.right_identity
        if right is not None and fills[1] == right and fills[0] is None:
            return _broadcast(builder, x, out, op.loc)
        if prim.identity is not None and fills[0] == prim.identity and fills[1] is None:
            return _broadcast(builder, y, out, op.loc)
        if prim.negating is not None and prim.negating in (fills[0], fills[1]):
            other = y if fills[0] == prim.negating else x
            if _same(other, out):
                return builder.emit(_NEG, [other], {}, op.loc)
        if prim.absorbing is not None and prim.absorbing in (fills[0], fills[1]) and out.dtype is not None:
            return _fill(builder, prim.absorbing, out, op.loc)   # as algebra has it, even for inf or NaN
        if prim.idempotent and x is y and _same(x, out):
            return x                                             # max(x, x) is x
    if prim.idempotent and len(inputs) == 1 and inputs[0].op is not None and inputs[0].op.prim is prim \
            and inputs[0].op.params == op.params and _same(inputs[0], out):
        return inputs[0]                                         # relu(relu(x)) is relu(x)
    if prim.elementwise:
        return _broadcast_after(builder, op, inputs)
    return None


def _broadcast_after(builder, op, inputs):
    """An elementwise op on broadcast views computes on what they view and broadcasts its result
    (`-np.broadcast_to(g, s)` is `np.broadcast_to(-g, s)`): less work, and the ops that read
    the result may absorb the broadcast in turn (`_without_broadcasts`)."""
    if not any(_is_broadcast(v) for v in inputs):
        return None
    sources = [v.op.inputs[0] if _is_broadcast(v) else v for v in inputs]
    try:
        shape = np.broadcast_shapes(*(v.shape for v in sources))
    except ValueError:
        return None
    out = op.out
    if math.prod(shape) >= math.prod(out.shape) or np.broadcast_shapes(shape, out.shape) != out.shape:
        return None
    inner = builder.emit(op.prim, sources, op.params, op.loc)
    if inner.dtype != out.dtype or inner.weak:
        builder.ops.pop()
        return None
    # the op on the smaller operands may simplify in turn (`(g / 5) * 2` is `g * 0.4`)
    smaller = builder.ops.pop()
    inner = rewrite(builder, smaller, sources)
    if inner is None:
        builder.ops.append(smaller)
        inner = smaller.out
    return builder.emit(_BROADCAST_TO, [inner], {'shape': out.shape}, op.loc)


def _is_broadcast(v):
    return isinstance(v, Value) and v.op is not None and v.op.prim is _BROADCAST_TO


# ---------------------------------------------------------------- rewrites primitives name
def _erase(builder, op, inputs):
    return inputs[0]


def _same_aval(builder, op, inputs):
    return inputs[0] if _same(inputs[0], op.out) else None


def _vector_transpose(builder, op, inputs):
    return inputs[0] if len(op.out.shape) < 2 else None


def _broadcast_of_reshape(builder, op, inputs):
    if inputs[0].op is not None and (inputs[0].op.prim is _RESHAPE or _adds_axes(inputs[0].op)):
        source = inputs[0].op.inputs[0]
        if _only_adds_leading_ones(source.shape, inputs[0].shape):
            # broadcast_to(reshape(s, (1,)), (n,)) -> broadcast_to(s, (n,)): NumPy adds the ones
            return builder.emit(op.prim, [source], op.params, op.loc)
    return None


def _reshape_of_reshape(builder, op, inputs):
    if inputs[0].op is not None and inputs[0].op.prim is _RESHAPE:
        return builder.emit(_RESHAPE, inputs[0].op.inputs, op.params, op.loc)
    return None


def _transpose_of_transpose(builder, op, inputs):
    inner, out = inputs[0].op, op.out
    if inner is not None and inner.prim is _TRANSPOSE and \
            _permutation(inner.params['axes'], len(out.shape), op.params['axes']) == tuple(range(len(out.shape))):
        return inner.inputs[0]
    return None


def _zero_power(builder, op, inputs):
    if fill_value(inputs[1]) == 0 and op.out.dtype is not None:
        return _fill(builder, 1, op.out, op.loc)          # x ** 0 is 1 (as NumPy has it, even for 0)
    return None


def _write_back(builder, op, inputs):
    return inputs[0].op.inputs[0] if _writes_back_what_it_zeroed(*inputs) else None


def _sum_of_fill(builder, op, inputs):
    """A sum of a fill is its value times the count. (Not so for a broadcast number known only
    at run time: `s * 4` rounds differently from NumPy's adding s four times, which eager code
    does, and fuzz seed 100975's sin of a large sum showed it.)"""
    value = fill_value(inputs[0])
    if value is None or inputs[0].is_const:
        return None
    count = int(np.prod(inputs[0].shape)) // max(int(np.prod(op.out.shape)), 1)
    return _fill(builder, value * count, op.out, op.loc)


def _outer_product(builder, op, inputs):
    """A product of matrices over an inner axis of length 1: NumPy's matmul takes a slow path
    for it ((784, 1) @ (1, 256) costs six times np.dot, which calls BLAS). Stacks of them are
    broadcast products (their leading axes broadcast alike in both)."""
    x, y = inputs
    if len(x.shape) < 2 or len(y.shape) < 2 or x.shape[-1] != 1:
        return None
    if len(x.shape) == len(y.shape) == 2:
        return builder.emit(_DOT, [x, y], {}, op.loc)
    return builder.emit(_MUL, [x, y], {}, op.loc)


def _functional(builder, op, inputs):
    """An in-place update read back from generated code is an ordinary one again: whether it
    may write in place is for `passes.inplace` to decide anew."""
    return builder.emit(_FUNCTIONAL[op.prim.name], inputs, {}, op.loc)


_FUNCTIONAL = {prim.in_place: prim for prim in REGISTRY.values() if prim.in_place}


def _unit_axes(builder, op, inputs):
    """A reshape that only inserts or drops axes of length 1 is a subscript, None where it
    inserts one and 0 where it drops one (`np.reshape(x, (3, 1))` is `x[:, None]`, and
    `np.reshape(y, (3,))` of a (3, 1) array `y[:, 0]`): a view either way, at a sixth of the cost."""
    x, shape = inputs[0], op.out.shape
    if fill_value(x) is not None or x.shape == ():
        return None         # a fill reshaped is a fill (`keeps_fill`); a 0-d value may be a scalar
    index, i, j = [], 0, 0
    while i < len(x.shape) or j < len(shape):
        if i < len(x.shape) and j < len(shape) and x.shape[i] == shape[j]:
            index.append(slice(None))
            i, j = i + 1, j + 1
        elif j < len(shape) and shape[j] == 1:
            index.append(None)
            j += 1
        elif i < len(x.shape) and x.shape[i] == 1:
            index.append(0)
            i += 1
        else:
            return None
    while index and index[-1] == slice(None):
        index.pop()
    return builder.emit(_GETITEM, [x], {'index': tuple(index)}, op.loc)


def _adds_axes(op):
    """Whether `op` is a subscript that only inserts axes of length 1 (as `_unit_axes` makes)."""
    return op.prim is _GETITEM and len(op.inputs) == 1 and all(
        item is None or item == slice(None) for item in op.params['index'])


def _adds_zero(builder, op, inputs):
    """A scatter of zeros: `index_add(0, i)` is zeros, `index_add_to(acc, 0, i)` is acc (the
    gradient of a value only iterated over, for one)."""
    update = inputs[1] if op.prim.consumes_first else inputs[0]
    if fill_value(update) != 0:
        return None
    if op.prim.consumes_first:
        return inputs[0] if _same(inputs[0], op.out) else None
    return _fill(builder, 0, op.out, op.loc)


def _constant_factors(builder, op, inputs):
    """Constant factors fold through a chain of products, quotients and negations where that
    gives the same bits (one of the two factors is a power of two, as a negation and `x + x`
    are): `(g / 5) * 2` is `g / 2.5`, `-(0.125 * h) * 2` is `h * -0.25`, `m + m` is `m * 2`,
    which folds into m's own factor in turn. A sum or mean of a scaled array is the scaled sum
    (`(-g).sum()` is `-g.sum()`), and a negated factor of a product or quotient goes outside it
    (`-a * b * 2` is `a * b * -2`). Compiled code keeps computing what eager code computes, to
    the last bit."""
    name = op.prim.name
    if name == 'add':
        if inputs[0] is not inputs[1] or not isinstance(inputs[0], Value) or inputs[0].is_const:
            return None
        return _scaled(builder, *_combined(_factored(inputs[0]), 'mul', 2), op)
    if name == 'neg':
        base, kind, value = _factored(inputs[0])
        return _scaled(builder, *_combined((base, kind, value), 'mul', -1), op) if value != 1 else None
    if name in ('sum', 'mean'):      # linear: the factor applies to the smaller result
        base, kind, value = _factored(inputs[0])
        if value != -1 or base.dtype != op.out.dtype or base.shape == ():
            return None
        return _scaled(builder, builder.emit(op.prim, [base], op.params, op.loc), 'mul', -1, op)
    number = [k for k, v in enumerate(inputs) if _number(v) is not None]
    if not number:      # a negated operand: the negation goes outside, where factors fold it
        negated = [k for k, v in enumerate(inputs) if isinstance(v, Value) and v.op is not None
                   and v.op.prim is _NEG]
        if not negated or (op.out.name is not None and not isinstance(op.out.name, MachineName)):
            return None     # (a named gradient stays what its name says, not its negation)
        operands = list(inputs)
        operands[negated[0]] = inputs[negated[0]].op.inputs[0]
        product = builder.emit(op.prim, operands, op.params, op.loc)
        return _scaled(builder, product, 'mul', -1, op) if _same(product, op.out) else None
    if len(number) != 1 or (name == 'div' and number != [1]):
        return None
    c = _number(inputs[number[0]])
    factored = _factored(inputs[1 - number[0]])
    if factored[2] == 1 or c == 0:
        return None         # nothing to fold: the op stays as it is
    combined = _combined(factored, name, c)
    return _scaled(builder, *combined, op) if combined is not None else None


def _number(v):
    if isinstance(v, Value) and v.is_scalar_const and isinstance(v.const, (int, float)) \
            and not isinstance(v.const, bool):
        return v.const
    return None


def _factored(v):
    """(base, kind, value): v is base * value (kind 'mul') or base / value (kind 'div'),
    looking through one mul, div or neg by a number; (v, 'mul', 1) otherwise."""
    if not isinstance(v, Value) or v.op is None:
        return v, 'mul', 1
    prim, inputs = v.op.prim.name, v.op.inputs
    if prim == 'neg':
        return inputs[0], 'mul', -1
    if prim in ('mul', 'div') and len(inputs) == 2:
        for k in (1, 0) if prim == 'mul' else (1,):
            c = _number(inputs[k])
            if c is not None and c != 0 and _number(inputs[1 - k]) is None:
                return inputs[1 - k], prim, c
    return v, 'mul', 1


def _power_of_two(c):
    mantissa, _ = np.frexp(abs(float(c)))
    return c != 0 and mantissa == 0.5


def _combined(factored, kind, c):
    """(base, kind, value) for `factored` then `kind` by c, where rounding once gives what
    rounding twice did (c or the factor already there is a power of two); None otherwise."""
    base, inner, value = factored
    if _power_of_two(c):          # exact whichever way: keep the inner operation
        if inner == 'mul':
            return base, 'mul', value * c if kind == 'mul' else value / c
        return base, 'div', value / c if kind == 'mul' else value * c
    if _power_of_two(value):      # keep the outer operation
        scale = value if inner == 'mul' else 1 / value
        return base, kind, c * scale if kind == 'mul' else c / scale
    return None


def _scaled(builder, base, kind, value, op):
    """`base * value` (or `/ value`), spelled shortly; None when that changes the result's type."""
    if value == 1:
        new = base
    elif value == -1:
        new = builder.emit(_NEG, [base], {}, op.loc)
    else:
        prim = _MUL if kind == 'mul' else REGISTRY['div']
        new = builder.emit(prim, [base, constant(_plain(value))], {}, op.loc)
    if not _same(new, op.out):
        if new is not base:
            builder.ops.pop()
        return None
    return new


def _negated_operand(builder, op, inputs):
    """`x + -y` is `x - y`, `-x + y` is `y - x` and `x - -y` is `x + y`: the same bits, one op
    fewer where nothing else reads the negation."""
    negated = [isinstance(v, Value) and v.op is not None and v.op.prim is _NEG for v in inputs]
    if op.prim is _ADD and negated[1]:
        return builder.emit(_SUB, [inputs[0], inputs[1].op.inputs[0]], {}, op.loc)
    if op.prim is _ADD and negated[0]:
        return builder.emit(_SUB, [inputs[1], inputs[0].op.inputs[0]], {}, op.loc)
    if op.prim is _SUB and negated[1]:
        return builder.emit(_ADD, [inputs[0], inputs[1].op.inputs[0]], {}, op.loc)
    return None


def _stacked_scatters(builder, op, inputs):
    """A sum of scatters that puts one value at each position of a short vector's first axis is
    the stack of those values: `dc = np.stack([dc0, dc1, dc2])`, the gradient of `c[0] ... c[2]`,
    rather than a chain of scatters into zeros."""
    shape = op.out.shape
    if not shape or not 2 <= shape[0] <= _MAX_STACKED:
        return None
    parts = {}
    pending = list(inputs)
    visits = 2 * shape[0]     # a sum of n scatters is n - 1 adds: never walk a longer chain
    while pending:
        visits -= 1
        if visits < 0:
            return None
        v = pending.pop()
        if not isinstance(v, Value) or v.op is None:
            return None
        if v.op.prim is _ADD and v.shape == shape:
            pending += v.op.inputs
            continue
        index = v.op.params.get('index') if v.op.prim is _INDEX_ADD else None
        if index is None or len(v.op.inputs) != 1 or v.op.params['shape'] != shape or len(index) != 1 \
                or type(index[0]) is not int or v.op.inputs[0].shape != shape[1:] \
                or v.op.inputs[0].dtype != op.out.dtype:
            return None
        k = index[0] % shape[0]
        if k in parts:
            return None
        parts[k] = v.op.inputs[0]
    if len(parts) != shape[0]:
        return None
    return builder.emit(_STACK, [parts[k] for k in range(shape[0])], {'axis': 0}, op.loc)


_MAX_STACKED = 16


def _plain(number):
    """An integral float as an int (`/ 3`, `* 2`): the literal reads as the user would write it."""
    return int(number) if float(number).is_integer() and abs(number) < 1 << 53 else float(number)


REWRITES = {'erase': _erase, 'same_aval': _same_aval, 'vector_transpose': _vector_transpose,
            'broadcast_of_reshape': _broadcast_of_reshape, 'reshape_of_reshape': _reshape_of_reshape,
            'transpose_of_transpose': _transpose_of_transpose, 'zero_power': _zero_power,
            'write_back': _write_back, 'sum_of_fill': _sum_of_fill, 'outer_product': _outer_product,
            'functional': _functional, 'unit_axes': _unit_axes, 'adds_zero': _adds_zero,
            'constant_factors': _constant_factors, 'stacked_scatters': _stacked_scatters,
            'negated_operand': _negated_operand}


def _only_adds_leading_ones(shape, reshaped):
    extra = len(reshaped) - len(shape)
    return extra >= 0 and tuple(reshaped[extra:]) == tuple(shape) and all(n == 1 for n in reshaped[:extra])


def _writes_back_what_it_zeroed(zeroed, added):
    """`setitem(g, 0, index) + index_add(g[index], index)` is `g` (the adjoint of `y[i] += v`),
    for basic indices, where no element repeats."""
    if zeroed.op is None or added.op is None or zeroed.op.prim.name != 'setitem' \
            or added.op.prim.name != 'index_add' or fill_value(zeroed.op.inputs[1]) != 0:
        return False
    g, index = zeroed.op.inputs[0], zeroed.op.params['index']
    part = added.op.inputs[0]
    return (len(zeroed.op.inputs) == 2 and len(added.op.inputs) == 1 and added.op.params['index'] == index
            and part.op is not None and part.op.prim.name == 'getitem' and part.op.inputs[0] is g
            and part.op.params['index'] == index and _same(g, zeroed))


def _same(v, out):
    """`v` may stand for `out`: same shape and dtype, and both (or neither) run-time Python numbers."""
    return v.aval == out.aval and v.weak == out.weak


def _permutation(first, ndim, then):
    """The axes permutation of transposing by `first` and then by `then` (None: reversal)."""
    first = tuple(reversed(range(ndim))) if first is None else first
    then = tuple(reversed(range(ndim))) if then is None else then
    return tuple(first[a] for a in then)


def _broadcast(builder, x, out, loc):
    """`x` where it is `out` already; `np.broadcast_to(x, out.shape)` where only its shape differs
    (`np.ones(s) * g`, the seed of a sum times a weight), which the elementwise ops that read it
    absorb (`_without_broadcasts`); None otherwise."""
    if _same(x, out):
        return x
    if x.dtype != out.dtype or x.weak or x.shape == out.shape:
        return None
    return builder.emit(_BROADCAST_TO, [x], {'shape': out.shape}, loc)


def _weak(number):
    return np.result_type(number)


def _fill(builder, value, out, loc):
    if out.shape == () and out.dtype is None:
        return constant(value)
    return builder.emit(_FULL, [], {'shape': out.shape, 'fill_value': _python_number(value, out.dtype),
                                     'dtype': out.dtype}, loc)


def _python_number(value, dtype):
    """The shortest Python number that gives back `value` in `dtype` (float32: 0.33333334)."""
    if dtype is None or dtype.kind != 'f':
        return value.item() if isinstance(value, np.generic) else value
    return float(np.format_float_positional(dtype.type(value), unique=True, trim='0'))


def _literal_fill(v, inputs, op):
    """A fill operand of an elementwise op becomes a Python number when the other operand already
    has the result's shape and dtype (NumPy 2 gives Python numbers the array's dtype)."""
    value = fill_value(v)
    if value is None or v.is_const or not op.prim.elementwise:
        return v
    others = [o for o in inputs if o is not v]
    if v.dtype == op.out.dtype and any(_same(o, op.out) for o in others):
        return constant(_python_number(value, v.dtype))
    return v


def _without_broadcasts(inputs, op):
    """An elementwise op broadcasts by itself: `a + np.broadcast_to(s, a.shape)` is `a + s`."""
    if not op.prim.elementwise:
        return inputs
    out = list(inputs)
    for k, v in enumerate(inputs):
        if v.op is not None and v.op.prim is _BROADCAST_TO:
            source = v.op.inputs[0]
            shapes = [w.shape for j, w in enumerate(out) if j != k] + [source.shape]
            try:
                if np.broadcast_shapes(*shapes) == tuple(op.out.shape):
                    out[k] = source
            except ValueError:
                pass
    return out


def _cse_key(prim, inputs, params):
    refs = tuple(('const', type(v.const), v.const) if v.is_scalar_const else id(v) for v in inputs)
    return prim.name, refs, tuple(sorted((k, _hashable(v)) for k, v in params.items()))


def _hashable(param):
    if isinstance(param, slice):  # slices hash only from Python 3.12
        return 'slice', param.start, param.stop, param.step
    if isinstance(param, tuple):
        return tuple(_hashable(p) for p in param)
    return param
