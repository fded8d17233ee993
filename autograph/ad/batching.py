"""Batching (vmap): IR -> IR that runs a function on a batch of examples at once.

A `Batcher` re-emits ops into a builder. Each value it has seen is either unbatched (the same for
every example; it stays as it was) or batched: an array holding one value per example along its
batch axis (`dims`). An op whose operands are all unbatched is copied; any other is replaced by
its primitive's batching rule (`batch=` in its declaration, `Primitive.batched`), which says
where the batch axis of the result lies, so a chain of rules moves no axis it need not move.

Constructs have rules of their own (`_RULES`, keyed by construct class as reverse and forward
mode key theirs):

- `cond` on an unbatched predicate stays a `cond`; a result that is batched in either branch is
  batched (in front) in both. On a batched predicate both branches run and `where` picks each
  result per example; what a branch does is limited to the examples that take it (`running`).
- A loop with unbatched bounds stays a loop. Which carried values are batched is found by
  iterating to a fixed point (a value batched at the end of the body is batched from the start).
  A `while` whose test is batched runs until no example wants another iteration: the test
  becomes `any`, and in the body each carried value keeps its old value for the examples whose
  test is false (so they stay finished). If the loop saves values for an adjoint, it also saves
  that mask, and the adjoint loop that pops those lists (`for_saved`) applies it in reverse, so
  `vmap(grad(f))` through such a loop is exact (a loop around it saves the masks too, and its
  adjoint hands them on; an adjoint loop that saves values for a further adjoint saves the
  masks it popped, so derivatives of any order are exact). A `for` over a range whose bounds are batched runs to the largest trip
  count the same way, its index batched.
- `custom` keeps its rule: both regions are batched; the rule's cotangent for an unbatched
  operand is summed over the batch (its examples share it).

Effects happen per example, as a Python loop over the examples would have them: `print` of a
batched value prints each example's (a loop over the batch), an `assert` must hold for every
example that reaches it. `assign` of a batched value to a Parameter, or an assign that only some
examples reach, is refused: a Parameter holds one value, not one per example.

Lists (the values a loop saves, shape `('*', ...)`) hold batched elements with the batch axis
first, right after the list axes. A random draw is shared by every example (it has no operands to
batch).
"""
import contextlib

import numpy as np

from runtime import ops
from runtime.primitive import REGISTRY, Aval
from runtime.primitives.batching import batched_front
from ..errors import CompileError
from ..ir import Builder, Graph, Value, constant
from ..ir.control import (COND, FOR, Cond, Custom, ForRange, Loop, construct, element_aval, is_list,
                          list_aval, make, placeholder, rule_for)
from ..ir.core import Op, Region, as_value
from ..ir.effects import CHECK
from ..tree import map_tree

_WHERE = REGISTRY['where']
_BOOL = Aval((), np.dtype(bool))


def batch_graph(graph, in_dims, size):
    """`graph` run on `size` examples at once: input k holds its examples along axis
    `in_dims[k]` (None: every example shares it). The result takes the batched inputs, and each
    output holds its examples in front (an output the examples share is broadcast)."""
    builder = Builder()
    batcher = Batcher(builder, size)
    inputs = []
    for v, dim in zip(graph.inputs, in_dims):
        if dim is None:
            inputs.append(v)
            continue
        dim %= len(v.shape) + 1
        new = Value(Aval(tuple(v.shape[:dim]) + (size,) + tuple(v.shape[dim:]), v.dtype), v.name)
        batcher.bind(v, new, dim)
        inputs.append(new)
    with builder.active():
        batcher.run(graph.ops)
        outputs = map_tree(lambda v: batcher.front_of(v) if isinstance(v, Value) else v, graph.outputs)
    return Graph(graph.name, inputs, builder.ops, outputs)


class Batcher:
    """Re-emits ops into `builder` (active) for `size` examples. Bind the inputs with `bind`,
    `run` the ops, then `read` what they computed: (new value, batch axis or None)."""

    def __init__(self, builder, size):
        self.builder = builder
        self.size = size
        self.env = {}      # id(old value) -> the value that stands for it now
        self.dims = {}     # id(old value) -> batch axis of env's value, when it is batched
        # id(old list) -> a list of per-iteration (size,) masks: which examples ran that iteration
        # of the loop that filled it (a while whose test is batched); the loop popping it needs it.
        self.masks = {}
        # id(old list of lists) -> the list of those lists' masks (a loop around such a while).
        self.nested = {}
        # A (size,) bool value: the examples the ops being emitted run for (inside a branch of an
        # if on a batched predicate, or an iteration some examples skip); None: all of them.
        self.running = None

    # ------------------------------------------------------------ values
    def bind(self, old, new, dim=None):
        self.env[id(old)] = new
        if dim is None:
            self.dims.pop(id(old), None)
        else:
            self.dims[id(old)] = dim % max(len(new.shape), 1)

    def read(self, v):
        if not isinstance(v, Value):
            return v, None
        return self.env.get(id(v), v), self.dims.get(id(v))

    def value(self, v):
        return self.env.get(id(v), v) if isinstance(v, Value) else v

    def dim(self, v):
        return self.dims.get(id(v)) if isinstance(v, Value) else None

    def batched_aval(self, aval):
        """The aval of a batch of values of `aval`, batched in front (after a list's own axes)."""
        lead = _lead(aval)
        return Aval(tuple(aval.shape[:lead]) + (self.size,) + tuple(aval.shape[lead:]), aval.dtype)

    def front(self, new, dim, aval):
        """`new` (a value of per-example aval `aval`, batched along `dim` or not at all) with its
        examples in front: moved there, or broadcast when it is the same for all."""
        lead = _lead(aval)
        if dim is not None:
            return new if dim == lead else ops.moveaxis(new, dim, lead)
        if new.is_const and new.const is None:
            return placeholder(self.batched_aval(aval))
        if lead:
            raise CompileError("vmap: a saved list that is the same for every example meets one that "
                               "is not; batching this is not supported", self.builder.loc)
        if new.is_scalar_const:
            dtype = aval.dtype if aval.dtype is not None else np.asarray(new.const).dtype
            return ops.full((self.size,) + tuple(aval.shape), new.const, dtype)
        return batched_front(new, None, self.size)

    def front_of(self, old, aval=None):
        new, dim = self.read(old)
        return self.front(new, dim, aval or old.aval)

    @contextlib.contextmanager
    def into(self, body):
        """Append to the op list `body` (a region built earlier) within the block."""
        saved, self.builder.ops = self.builder.ops, body
        try:
            yield
        finally:
            self.builder.ops = saved

    def arg(self, old, batched):
        """A fresh region argument for `old`, batched in front or not, bound to it."""
        new = Value(self.batched_aval(old.aval) if batched else old.aval, old.name, weak=old.weak and not batched)
        self.bind(old, new, _lead(old.aval) if batched else None)
        return new

    def out(self, old, batched):
        return Value(self.batched_aval(old.aval) if batched else old.aval, old.name, weak=old.weak and not batched)

    # ------------------------------------------------------------ ops
    def run(self, op_list):
        for op in op_list:
            with self.builder.at(op.loc):
                if op.regions:
                    rule = rule_for(_RULES, op.prim)
                    if rule is None:
                        raise CompileError(f"vmap through {op.prim.name} is not supported", op.loc)
                    rule(self, op)
                elif op.prim.effect:
                    self.effect(op)
                else:
                    self.primitive(op)

    def primitive(self, op):
        prim = op.prim
        args = [self.value(v) for v in op.inputs]
        dims = [self.dim(v) for v in op.inputs]
        if all(d is None for d in dims):
            out = self.builder.emit(prim, args, op.params, op.loc)
            _name(out, op.out)
            self.bind(op.out, out)
            return
        if isinstance(prim.batch, str):
            raise CompileError(f"vmap: {prim.name} has no batching rule: {prim.batch}", op.loc)
        try:
            out, dim = prim.batched(args, dims, **op.params)
        except CompileError:
            raise
        except (ValueError, TypeError, NotImplementedError) as e:
            raise CompileError(f"vmap of {prim.name}: {e}", op.loc) from None
        out = as_value(out)
        if dim is None:     # a rule may find the result the same for every example
            self.bind(op.out, out)
            return
        dim %= len(out.shape)
        example = tuple(out.shape[:dim]) + tuple(out.shape[dim + 1:])
        if example != tuple(op.out.shape) or out.shape[dim] != self.size:
            raise CompileError(f"vmap: the batching rule of {prim.name} gave shape {out.shape} "
                               f"(batch axis {dim}) for examples of shape {op.out.shape}", op.loc)
        if op.out.dtype is not None and out.dtype != op.out.dtype:
            out = ops.cast(out, op.out.dtype)
        _name(out, op.out)
        self.bind(op.out, out, dim)

    def effect(self, op):
        batched = [self.dim(v) is not None for v in op.inputs]
        if op.outs:     # assign: its result is the Parameter's new state
            if any(batched):
                raise CompileError(f"vmap: {op.prim.name} writes a value that differs between examples "
                                   "into one Parameter; a Parameter holds one value, not one per "
                                   "example (return the values instead, or assign outside vmap)", op.loc)
            if self.running is not None:
                raise CompileError(f"vmap: this {op.prim.name} runs only for the examples where an if "
                                   "or while condition holds, and that differs between examples; a "
                                   "Parameter holds one value, not one per example", op.loc)
            outs = [Value(o.aval, o.name, weak=o.weak) for o in op.outs]
            self.builder.ops.append(Op(op.prim, [self.value(v) for v in op.inputs], op.params, outs, op.loc))
            for old, new in zip(op.outs, outs):
                self.bind(old, new)
            return
        if op.prim is CHECK:
            condition, dim = self.read(op.inputs[0])
            if self.running is not None:     # examples that do not reach the assert pass it
                condition, dim = _WHERE.batched([self.running, condition, True], [0, dim, None])
            self.builder.ops.append(Op(op.prim, [condition], op.params, [], op.loc))
        elif any(batched) or self.running is not None:
            self.per_example(op, batched)
        else:
            self.builder.ops.append(Op(op.prim, [self.value(v) for v in op.inputs], op.params, [], op.loc))

    def per_example(self, op, batched):
        """A print, once per example (that runs it), with that example's values."""
        values = [self.front_of(v) if b else self.value(v) for v, b in zip(op.inputs, batched)]
        example = Value(Aval((), np.dtype(np.int64)), 'example')
        with self.builder.region() as body:
            printed = Op(op.prim, [ops.getitem(v, example) if b else v for v, b in zip(values, batched)],
                         op.params, [], op.loc)
            if self.running is None:
                body.append(printed)
            else:
                make(self.builder, COND, [ops.getitem(self.running, example)],
                     (Region([], [printed], []), Region([], [], [])), [])
        make(self.builder, FOR, [constant(0), constant(self.size), constant(1)],
             (Region([example], body, []),), [])

    @contextlib.contextmanager
    def only(self, examples):
        """Within the block, emitted ops run for `examples` (a (size,) bool value) of those
        running now."""
        outer = self.running
        self.running = examples if outer is None else ops.logical_and(outer, examples)
        try:
            yield
        finally:
            self.running = outer

    # ------------------------------------------------------------ cond
    def companions(self, v):
        """What travels with a list: its iteration masks, its elements' masks (or None)."""
        if not isinstance(v, Value):
            return None, None
        return self.masks.get(id(v)), self.nested.get(id(v))

    def cond(self, op):
        pred, pred_dim = self.read(op.inputs[0])
        if pred_dim is not None:
            return self.select(op, pred, pred_dim)
        branches = []
        for region in op.regions:
            with self.builder.region() as body:
                self.run(region.ops)
            branches.append((body, [self.read(r) for r in region.results],
                             [self.companions(r) for r in region.results]))
        count = len(op.outs)
        batched = [any(results[k][1] is not None for _, results, _ in branches) for k in range(count)]
        # Masks travel out of the branches beside their lists: (table, k, aval).
        extra = [(table, k, next(c[k][table] for _, _, c in branches if c[k][table] is not None).aval)
                 for table in (0, 1) for k in range(count)
                 if any(c[k][table] is not None for _, _, c in branches)]
        regions = []
        for body, results, companions in branches:
            with self.into(body):
                yielded = [self.front(new, dim, out.aval) if b else new
                           for (new, dim), out, b in zip(results, op.outs, batched)]
            for table, k, aval in extra:
                mask = companions[k][table]
                if mask is None and not _is_placeholder(results[k][0]):
                    raise CompileError("vmap: an if whose branches yield saved lists, one from a while "
                                       "loop whose test differs between examples and one not, is not "
                                       "supported", op.loc)
                yielded.append(mask if mask is not None else placeholder(aval))
            regions.append(Region([], body, yielded))
        outs = [self.out(old, b) for old, b in zip(op.outs, batched)]
        mask_outs = [Value(aval, (op.outs[k].name or 't') + '_running') for _, k, aval in extra]
        self.builder.ops.append(Op(op.prim, [pred], op.params, outs + mask_outs, op.loc, tuple(regions)))
        for old, new, b in zip(op.outs, outs, batched):
            self.bind(old, new, _lead(old.aval) if b else None)
        for (table, k, _), mask in zip(extra, mask_outs):
            (self.masks, self.nested)[table][id(op.outs[k])] = mask

    def select(self, op, pred, pred_dim):
        """A batched predicate: both branches run, `where` picks each result per example."""
        taken = self.front(pred, pred_dim, _BOOL)
        if taken.dtype != np.dtype(bool):
            taken = ops.not_equal(taken, 0)
        results = []
        for region, examples in zip(op.regions, (taken, ops.logical_not(taken))):
            with self.only(examples):
                self.run(region.ops)
            results.append([(self.read(r), self.companions(r)) for r in region.results])
        for k, out in enumerate(op.outs):
            ((a, da), with_a), ((b, db), with_b) = results[0][k], results[1][k]
            if _is_placeholder(b) or _is_placeholder(a):
                new, dim, (mask, nested) = (a, da, with_a) if _is_placeholder(b) else (b, db, with_b)
                self.bind(out, new, dim)
                if mask is not None:
                    self.masks[id(out)] = mask
                if nested is not None:
                    self.nested[id(out)] = nested
                continue
            if is_list(out):
                raise CompileError("vmap: an if whose condition differs between examples, and whose "
                                   "branches both save values for a gradient, is not supported", op.loc)
            new, dim = _WHERE.batched([pred, a, b], [pred_dim, da, db])
            if out.dtype is not None and new.dtype != out.dtype:
                new = ops.cast(new, out.dtype)
            _name(new, out)
            self.bind(out, new, dim)

    # ------------------------------------------------------------ loops
    def loop(self, op):
        prim = construct(op)
        count = prim.carried_count(op)
        if any(self.dim(b) is not None for b in prim.bounds(op)):
            if not isinstance(prim, ForRange):
                raise CompileError(f"vmap: the bounds of this {prim.name} differ between examples; "
                                   "that is not supported", op.loc)
            return self.ranged(op)
        lists = prim.saved_lists(op)
        mask = next((self.masks[id(v)] for v in lists if id(v) in self.masks), None)
        masked = mask is not None
        batched = [masked or self.dim(v) is not None for v in prim.carried_inputs(op)]
        while True:
            with self.builder.region():
                _, test_dim, result_dims, _, _ = self._loop_regions(op, batched, masked, mask)
            if test_dim is not None and not masked:
                masked, batched = True, [True] * count
                continue
            grown = [b or d is not None for b, d in zip(batched, result_dims)]
            if grown == batched:
                break
            batched = grown
        self._emit_loop(op, batched, masked, mask)

    def _loop_regions(self, op, batched, masked, mask, index=None):
        """The op's regions, batched with carried values `batched`. `masked`: carried values keep
        their old value for examples not running (a batched while test, or `mask`, a popped
        mask list). `index` (for `ranged`): how to compute the original index from the new one.
        Returns (regions, the test's batch axis, the body results' axes, saved values' axes,
        the masks of saved lists that come from a masked loop inside)."""
        prim = construct(op)
        count = prim.carried_count(op)
        body, test = prim.body(op), prim.test(op)
        regions, test_dim = [], None
        if test is not None:
            test_args = [self.arg(a, b) for a, b in zip(test.args, batched)]
            with self.builder.region() as test_ops:
                self.run(test.ops)
                pred, test_dim = self.read(test.results[0])
                if test_dim is not None:
                    pred = ops.any(pred, axis=test_dim)
            regions.append(Region(test_args, test_ops, [pred]))
        lists = prim.saved_lists(op)
        index_args = [self.arg(a, False) for a in prim.index_args(op)]
        popped = [self.arg(a, self.dim(lst) is not None) for a, lst in zip(prim.popped_args(op), lists)]
        mask_arg = [Value(Aval((self.size,), np.dtype(bool)), 'running')] if mask is not None else []
        nested_args = []
        for old, lst in zip(prim.popped_args(op), lists):
            if id(lst) in self.nested:      # the popped list's own iteration masks
                nested_args.append(Value(element_aval(self.nested[id(lst)].aval), 'running'))
                self.masks[id(old)] = nested_args[-1]
        carried = [self.arg(a, b) for a, b in zip(prim.carried_args(op), batched)]
        with self.builder.region() as body_ops:
            keep = (mask_arg[0], 0) if mask is not None else None
            if index is not None:
                keep = index(index_args[0])
            if masked and test is not None:
                for old, new, b in zip(test.args, carried, batched):
                    self.bind(old, new, 0 if b else None)
                self.run(test.ops)
                keep = self.read(test.results[0])
            running = self.front(keep[0], keep[1], _BOOL) if keep is not None else None
            with self.only(running) if running is not None else contextlib.nullcontext():
                self.run(body.ops)
            results, result_dims = [], []
            for k, (old_arg, new_arg) in enumerate(zip(prim.carried_args(op), carried)):
                new, dim = self.read(body.results[k])
                result_dims.append(dim)
                if batched[k]:
                    new = self.front(new, dim, old_arg.aval)
                    if running is not None:
                        new, where_dim = _WHERE.batched([running, new, new_arg], [0, 0, 0])
                        new = self.front(new, where_dim, old_arg.aval)
                elif old_arg.dtype is not None and getattr(new, 'dtype', None) not in (None, old_arg.dtype):
                    new = ops.cast(new, old_arg.dtype)
                results.append(new)
            saved_dims, inner_masks = [], []
            for v in body.results[count:]:
                new, dim = self.read(v)
                saved_dims.append(dim)
                results.append(new if dim is None else self.front(new, dim, v.aval))
                if isinstance(v, Value) and id(v) in self.masks:
                    inner_masks.append((len(saved_dims) - 1, self.masks[id(v)]))
            if running is not None and prim.saves(op):       # for the adjoint of this loop
                results.append(running)
            results += [m for _, m in inner_masks]
        args = index_args + popped + mask_arg + nested_args + carried
        regions.append(Region(args, body_ops, results))
        return regions, test_dim, result_dims, saved_dims, inner_masks

    def _emit_loop(self, op, batched, masked, mask, bounds=None, index=None):
        prim = construct(op)
        count = prim.carried_count(op)
        regions, _, _, saved_dims, inner_masks = self._loop_regions(op, batched, masked, mask, index)
        inits = [self.front_of(v) if b else self.value(v) for v, b in zip(prim.carried_inputs(op), batched)]
        lists = [self.value(v) for v in prim.saved_lists(op)] + ([mask] if mask is not None else []) + \
            [self.nested[id(v)] for v in prim.saved_lists(op) if id(v) in self.nested]
        bounds = bounds if bounds is not None else [self.value(v) for v in prim.bounds(op)]
        outs = [self.out(old, b) for old, b in zip(op.outs[:count], batched)]
        saved = [self.out(old, d is not None) for old, d in zip(op.outs[count:], saved_dims)]
        own = [Value(Aval(('*', self.size), np.dtype(bool)), 'running_saved')] \
            if masked and saved else []
        inner = [Value(list_aval(m.aval), 'running_saved') for _, m in inner_masks]
        params = op.params
        if own or inner:
            params = {**op.params, 'saves': len(saved) + len(own) + len(inner)}
        self.builder.ops.append(Op(op.prim, bounds + lists + inits, params, outs + saved + own + inner,
                                   op.loc, tuple(regions)))
        for old, new, b in zip(op.outs, outs, batched):
            self.bind(old, new, _lead(old.aval) if b else None)
        for old, new, d in zip(op.outs[count:], saved, saved_dims):
            self.bind(old, new, None if d is None else _lead(old.aval))
            if own:
                self.masks[id(old)] = own[0]
        for (j, _), lists_of_masks in zip(inner_masks, inner):
            self.nested[id(op.outs[count + j])] = lists_of_masks

    def ranged(self, op):
        """`for i in range(start, stop, step)` with bounds that differ between examples: run
        k = 0, 1, ... up to the largest trip count, with i = start + k * step per example, each
        example's carried values frozen once its own range is done."""
        prim = construct(op)
        if prim.saved_lists(op):
            raise CompileError("vmap: a range whose bounds differ between examples, in a gradient "
                               "differentiated again, is not supported", op.loc)
        start, stop, step = (self.read(v) for v in prim.bounds(op))
        starts = self.front(start[0], start[1], Aval((), np.dtype(np.int64)))
        stops = self.front(stop[0], stop[1], Aval((), np.dtype(np.int64)))
        steps = self.front(step[0], step[1], Aval((), np.dtype(np.int64)))
        # len(range(start, stop, step)) for either sign of step, never negative
        span = stops - starts
        trips = ops.maximum((span + steps - ops.sign(steps)) // steps, 0)
        longest = ops.amax(trips)
        count = prim.carried_count(op)
        old_index = prim.index_args(op)[0]

        def index(k):
            self.bind(old_index, ops.cast(starts + k * steps, old_index.dtype), 0)
            return ops.less(k, trips), 0
        self._emit_loop(op, [True] * count, True, None, bounds=[constant(0), longest, constant(1)], index=index)


def _lead(aval):
    """How many list axes ('*') lead the shape: where a batch axis goes in front."""
    lead = 0
    for n in aval.shape:
        if n != '*':
            break
        lead += 1
    return lead


def _name(new, old):
    if isinstance(new, Value) and new.name is None and new.op is not None and old.name is not None:
        new.name = old.name


def _is_placeholder(v):
    return isinstance(v, Value) and v.is_const and v.const is None


def _custom(self, op):
    """Both regions batched; the rule's cotangent for an operand every example shares sums over
    the batch."""
    forward, rule = op.regions
    count = op.params['outputs']
    batched_in = [self.dim(v) is not None for v in op.inputs]
    inputs = [self.front_of(v) if b else self.value(v) for v, b in zip(op.inputs, batched_in)]
    forward_args = [self.arg(a, b) for a, b in zip(forward.args, batched_in)]
    with self.builder.region() as forward_ops:
        self.run(forward.ops)
        results = [self.read(r) for r in forward.results]
        batched_out = [d is not None for _, d in results]
        yielded = [self.front(new, d, out.aval) if d is not None else new
                   for (new, d), out in zip(results, op.outs)]
    outs = [self.out(old, b) for old, b in zip(op.outs, batched_out)]
    flags = batched_in + batched_out + batched_out[:count]
    rule_args = [self.arg(a, b) for a, b in zip(rule.args, flags)]
    with self.builder.region() as rule_ops:
        self.run(rule.ops)
        cotangents = []
        for v, operand, b in zip(rule.results, op.inputs, batched_in):
            new, d = self.read(v)
            if b:
                new = self.front(new, d, operand.aval)
            elif d is not None:
                new = ops.sum(new, d)
            cotangents.append(new)
    regions = (Region(forward_args, forward_ops, yielded), Region(rule_args, rule_ops, cotangents))
    self.builder.ops.append(Op(op.prim, inputs, op.params, outs, op.loc, regions))
    for old, new, b in zip(op.outs, outs, batched_out):
        self.bind(old, new, 0 if b else None)


# How batching treats each construct: a rule appends the batched op (or what replaces it) and
# binds its results.
_RULES = {Custom: _custom, Cond: Batcher.cond, Loop: Batcher.loop}
