"""Reverse mode: Graph -> Graph that also computes gradients.

`reverse(graph, wrt, seed_all)` keeps the forward ops (straight-line SSA keeps every forward value
alive, so no tape is needed) and appends the adjoint ops, built by each primitive's `vjp` rule.

- Seeds: every float output gets a cotangent of ones (MindSpore differentiates the sum of all
  outputs), or only the first output when `seed_all` is False (`has_aux`); or the cotangents
  the caller passes (`seeds`, for `sens_param` and `vjp`).
- Activity: only ops on a path from a requested input to a seeded output get an adjoint; other
  cotangents are never built.
- Symbolic zeros: a missing cotangent is zero and is never materialised, except where the user
  asked for the gradient of an input that does not influence the output, and where control flow
  must merge a cotangent from a branch or iteration that did not touch it.
- Broadcasting: a cotangent in the output's broadcast shape is summed back to its input's shape.
- Control flow: the adjoint of a `cond` is a `cond` on the same predicate; values its branches'
  adjoints need are exported from the forward branches as extra results. The adjoint of a loop
  is a loop over the values its body's adjoint needs, which the forward loop saves in lists
  (one append per iteration) and the adjoint loop reads back last first.

`wrt` is a list of groups, each a list of graph inputs whose cotangents add up into one gradient
(a weight that is reached both as an argument and as a Parameter of a Cell is one group).
The result's outputs are `(graph.outputs, (grad_group_0, grad_group_1, ...))`.
"""
import numpy as np

from runtime import ops
from runtime.primitives import unbroadcast
from ..errors import CompileError
from ..ir import Builder, Graph, Value, constant
from ..ir.control import (COND, FOR_SAVED, Cond, Custom, Loop, construct, element_aval, free_values, is_list,
                          list_aval, make, placeholder, rule_for)
from ..ir.core import MachineName, Op, Region, clone_into, walk
from ..tree import flatten


def reverse(graph, wrt, seed_all=True, seeds=None):
    """`seeds`: the output cotangents (one Value per seeded output, in order), when the caller
    gives them (MindSpore's `sens_param`); else ones."""
    builder = Builder()
    active = activity(graph.ops, [v for group in wrt for v in group])
    adjoint = _Adjoint(builder, active, graph)
    with builder.active():
        outputs = [v for v in flatten(graph.outputs) if isinstance(v, Value)]
        seeded = outputs if seed_all else outputs[:1]
        with builder.region() as backward:
            for k, out in enumerate(seeded):
                if id(out) in active:
                    with builder.at(_grad_loc(out.op)):
                        adjoint.accumulate(out, seeds[k] if seeds is not None else ops.ones_like(out))
            forward = adjoint.backprop(graph.ops)
            grads = tuple(adjoint.gradient(group) for group in wrt)
    return Graph(graph.name, graph.inputs, forward + backward, (graph.outputs, grads))


def activity(ops_, wrt):
    """ids of values that depend on a requested input through differentiable float ops."""
    active = {id(v) for v in wrt if _inexact(v)}
    _propagate(ops_, active)
    return active


def _inexact(v):
    return v.dtype is not None and np.issubdtype(v.dtype, np.inexact)


def _propagate(ops_, active):
    for op in ops_:
        if op.regions:
            _rule(_ACTIVITY, op)(op, active)
        elif op.prim.vjp is not None and _inexact(op.out) and any(id(v) in active for v in op.inputs):
            active.add(id(op.out))


def _rule(table, op):
    rule = rule_for(table, op.prim)
    if rule is None:
        raise CompileError(f"reverse mode through {op.prim.name} is not supported", op.loc)
    return rule


def _custom_activity(op, active):
    """The rule decides: every result depends on every operand."""
    _propagate(op.regions[0].ops, active)
    if any(id(v) in active for v in op.inputs + free_values(op.regions[0])):
        active.update(id(o) for o in op.outs if _inexact(o))


def _cond_activity(op, active):
    for region in op.regions:
        _propagate(region.ops, active)
    for k, out in enumerate(op.outs):
        if _inexact(out) and any(_is_active(r.results[k], active) for r in op.regions):
            active.add(id(out))


def _loop_activity(op, active):
    prim = construct(op)
    body = prim.body(op)
    carried = list(zip(prim.carried_inputs(op), prim.carried_args(op), body.results, op.outs))
    for lst, arg in zip(prim.saved_lists(op), prim.popped_args(op)):   # a gradient's loop, differentiated again
        if id(lst) in active and _inexact(arg):
            active.add(id(arg))
    while True:
        before = len(active)
        for init, arg, result, _ in carried:
            if _inexact(arg) and (_is_active(init, active) or _is_active(result, active)):
                active.add(id(arg))
        _propagate(body.ops, active)
        if len(active) == before:
            break
    for _, arg, _, out in carried:
        if id(arg) in active:
            active.add(id(out))
    count = prim.carried_count(op)
    for out, saved in zip(op.outs[count:], body.results[count:]):
        if _inexact(out) and _is_active(saved, active):
            active.add(id(out))


_ACTIVITY = {Custom: _custom_activity, Cond: _cond_activity, Loop: _loop_activity}


def _is_active(v, active):
    return isinstance(v, Value) and id(v) in active


def _grad_loc(op):
    return op.loc._replace(grad=op.loc.grad + 1) if op is not None and op.loc is not None else None


class _Adjoint:
    def __init__(self, builder, active, graph):
        self.builder = builder
        self.active = active
        self.cotangents = {}
        self.forward = {id(o) for op in walk(graph.ops) for o in op.outs}
        self.provisional = set()    # ids of gradients named after a primitive, not a user's name

    def accumulate(self, value, ct, into=None):
        into = self.cotangents if into is None else into
        ct = unbroadcast(ct, value.shape)
        if ct.dtype != value.dtype:
            ct = ops.cast(ct, value.dtype)
        previous = into.get(id(value))
        into[id(value)] = ct if previous is None else previous + ct

    def name(self, ct, value):
        """`ct` is the gradient of `value`: named `d<value's name>`. The gradient of a value the
        user did not name is named after its primitive (`dexp`) until an identity-like step
        shows it is also the gradient of a value the user named (`pred - t`'s gradient is
        `pred`'s): then it takes that name (`dpred`)."""
        if ct.is_const or id(ct) in self.forward:
            return
        user = bool(value.name) and not isinstance(value.name, MachineName)
        if ct.name is None or (id(ct) in self.provisional and user):
            if user:
                ct.name = 'd' + value.name
                self.provisional.discard(id(ct))
            else:
                ct.name = MachineName('d' + _hint(value))
                self.provisional.add(id(ct))

    def gradient(self, group):
        parts = [self.cotangents[id(v)] for v in group if id(v) in self.cotangents]
        if not parts:
            # The user asked for it, and it is zero: the one place a zero is materialised.
            return ops.zeros_like(group[0])
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        self.name(total, group[0])
        return total

    # ------------------------------------------------------------ the backward sweep
    def backprop(self, forward_ops):
        """Append the adjoint of `forward_ops` to the builder, given the cotangents of their
        results. Returns the forward ops, where control-flow ops are replaced by versions that
        export what their adjoints need."""
        forward_ops = list(forward_ops)
        for index in range(len(forward_ops) - 1, -1, -1):
            op = forward_ops[index]
            if not any(self.cotangents.get(id(o)) is not None for o in op.outs):
                continue
            with self.builder.at(_grad_loc(op)):
                if op.regions:
                    forward_ops[index] = _rule(_ADJOINTS, op)(self, op)
                elif op.prim.vjp is not None:
                    self.primitive(op)
        return forward_ops

    def primitive(self, op):
        g = self.cotangents[id(op.out)]
        self.name(g, op.out)  # complete now: every use of op.out came later
        input_cts = op.prim.vjp(g, *op.inputs, out=op.out, **op.params)
        for x, ct in zip(op.inputs, input_cts):
            if ct is not None and id(x) in self.active:
                self.accumulate(x, ct)

    def custom(self, op):
        """A copy of the user's rule (the op's second region) gives the inputs' cotangents;
        outputs without a cotangent give it zeros. The forward op stays as it is."""
        count = op.params['outputs']
        gs = [self.cotangents.get(id(o)) for o in op.outs[:count]]
        gs = [g if g is not None else ops.zeros_like(o) for g, o in zip(gs, op.outs)]
        rule = op.regions[1]
        env = dict(zip(map(id, rule.args), list(op.inputs) + list(op.outs) + gs))
        clone_into(self.builder, rule.ops, env)
        for x, ct in zip(op.inputs, rule.results):
            if id(x) in self.active:
                self.accumulate(x, env.get(id(ct), ct))
        residual_cts = [(r, self.cotangents.get(id(o))) for r, o in zip(op.regions[0].results[count:], op.outs[count:])]
        if any(ct is not None for _, ct in residual_cts):
            self.residuals(op, residual_cts)
        return op

    def residuals(self, op, residual_cts):
        """Residuals are differentiated as ordinary code (as JAX does; it matters for gradients
        of gradients, whose rule copies read them): recompute the forward region here and
        backprop their cotangents through it."""
        forward = op.regions[0]
        env = dict(zip(map(id, forward.args), op.inputs))
        with self.builder.region() as recomputed:
            clone_into(self.builder, forward.ops, env)
        _propagate(recomputed, self.active)
        seeds = {}
        for result, ct in residual_cts:
            result = env.get(id(result), result)
            if ct is not None and id(result) in self.active:
                self.accumulate(result, ct, into=seeds)
        recomputed, backward, cts = self.nested(seeds, recomputed)
        self.builder.ops.extend(recomputed + backward)
        for x in _dedupe(list(op.inputs) + free_values(forward)):
            if cts.get(id(x)) is not None and id(x) in self.active:
                self.accumulate(x, cts[id(x)])

    def nested(self, seeds, forward_ops):
        """Backprop through a region's ops with cotangents `seeds` (id -> value) in a fresh
        scope. Returns (new forward ops, backward ops, cotangents)."""
        outer, self.cotangents = self.cotangents, dict(seeds)
        try:
            with self.builder.region() as backward:
                forward_ops = self.backprop(forward_ops)
            return forward_ops, backward, self.cotangents
        finally:
            self.cotangents = outer

    def cond(self, op):
        gs = [self.cotangents.get(id(o)) for o in op.outs]
        outer = _dedupe(v for r in op.regions for v in free_values(r) if id(v) in self.active)
        branches = []
        for region in op.regions:
            seeds = {}
            for result, g in zip(region.results, gs):
                if g is not None and _is_active(result, self.active):
                    self.accumulate(result, g, into=seeds)
            branches.append(self.nested(seeds, region.ops))
        touched = [v for v in outer if any(id(v) in cts for _, _, cts in branches)]
        results = []
        for (_, backward, cts) in branches:
            with self.builder.region() as merge:
                results.append([self._merged(v, cts.get(id(v))) for v in touched])
            backward.extend(merge)
        # The branches as they now are: their loops may have gained saved lists to export.
        forward_now = [Region([], fwd, region.results) for region, (fwd, _, _) in zip(op.regions, branches)]
        exports = _exports(forward_now, [b for _, b, _ in branches], results)
        # A value its branch yields is the if's result whenever that branch's adjoint runs.
        yielded = {id(v): out for region in forward_now for v, out in zip(region.results, op.outs)
                   if _defined_within(v, region)}
        exports = [v for v in exports if id(v) not in yielded]
        new_outs = [Value(v.aval, _hint(v), weak=v.weak) for v in exports]
        mapping = dict(zip(map(id, exports), new_outs))
        mapping.update(yielded)
        for _, backward, _ in branches:
            _substitute(backward, mapping)
        results = [[mapping.get(id(r), r) for r in rs] for rs in results]
        forward_regions = tuple(
            Region([], region.ops, region.results + [v if _defined_within(v, region) else placeholder(v.aval)
                                                     for v in exports])
            for region in forward_now)
        new_forward = Op(op.prim, op.inputs, op.params, list(op.outs) + new_outs, op.loc, forward_regions)
        backward_regions = tuple(Region([], b, rs) for (_, b, _), rs in zip(branches, results))
        merged = make(self.builder, COND, [op.inputs[0]], backward_regions, [v.aval for v in touched])
        for v, total in zip(touched, merged):
            self.cotangents[id(v)] = total
            self.name(total, v)
        return new_forward

    def _merged(self, v, delta):
        previous = self.cotangents.get(id(v))
        if delta is None:
            if previous is None and is_list(v):   # a saved list's cotangent: unread on this path
                return placeholder(v.aval)
            return previous if previous is not None else ops.zeros_like(v)
        return delta if previous is None else previous + delta

    def loop(self, op):
        """The adjoint of a loop is a `for_saved` loop over what the loop saves of each iteration,
        last iteration first. Differentiating a gradient again also meets loops' saved lists:
        the cotangents of a loop's saved lists are popped beside them, and a `for_saved` loop's
        adjoint saves the cotangents of the elements it popped, as lists."""
        prim = construct(op)
        body = prim.body(op)
        args, inits = prim.carried_args(op), prim.carried_inputs(op)
        count = prim.carried_count(op)
        popped_args = prim.popped_args(op)
        active = [k for k, arg in enumerate(args) if id(arg) in self.active]
        outer = _dedupe(v for v in free_values(body) if id(v) in self.active)
        d_carry = [Value(args[k].aval, 'd' + (args[k].name or 't')) for k in active]
        d_outer = [Value(v.aval, 'd' + (v.name or 't')) for v in outer]
        seeds = {id(v): d for v, d in zip(outer, d_outer)}
        saved_cts = [(j, self.cotangents.get(id(out))) for j, out in enumerate(op.outs[count:])]
        saved_cts = [(j, ct) for j, ct in saved_cts if ct is not None and not (ct.is_const and ct.const is None)]
        d_saved = [Value(element_aval(ct.aval), 'd' + _hint(body.results[count + j])) for j, ct in saved_cts]
        with self.builder.region() as head:   # a value yielded twice sums its seeds in the body
            for k, d in zip(active, d_carry):
                if _is_active(body.results[k], self.active):
                    self.accumulate(body.results[k], d, into=seeds)
            for (j, _), d in zip(saved_cts, d_saved):
                if _is_active(body.results[count + j], self.active):
                    self.accumulate(body.results[count + j], d, into=seeds)
        new_body_ops, backward, cts = self.nested(seeds, body.ops)
        backward[:0] = head
        with self.builder.region() as tail:
            previous = [cts.get(id(args[k])) for k in active]
            previous = [p if p is not None else ops.zeros_like(args[k]) for p, k in zip(previous, active)]
            totals = [cts.get(id(v), d) for v, d in zip(outer, d_outer)]
            popped_cts = [(arg, cts.get(id(arg))) for arg in popped_args if id(arg) in self.active]
            popped_cts = [(arg, ct) for arg, ct in popped_cts if ct is not None]
        backward.extend(tail)
        results = previous + totals + [ct for _, ct in popped_cts]
        region_ops = _Scope(body.args, new_body_ops)
        tape = _Tape(op, region_ops, [v for v in free_values(Region(d_saved + d_carry + d_outer, backward, results))
                                      if region_ops.defines(v)])
        needed = tape.saved
        # a Python number saved (a range's index) is popped as one: weak, as the adjoint used it
        popped = [Value(v.aval, _hint(v), weak=v.weak) for v in needed]
        mapping = dict(zip(map(id, needed), popped))
        back_args, back_inits, back_next = tape.remake(self.builder, backward, mapping)
        _substitute(backward, mapping)
        carried_count = len(previous) + len(totals)
        results = [mapping.get(id(r), r) for r in results[:carried_count]] + back_next + \
            [mapping.get(id(r), r) for r in results[carried_count:]]
        lists = [Value(list_aval(v.aval), _hint(v) + '_saved', weak=v.weak) for v in needed]
        regions = op.regions[:-1] + (Region(body.args, new_body_ops, list(body.results) + needed),)
        new_forward = Op(op.prim, op.inputs, {**op.params, 'saves': len(op.outs) - count + len(needed)},
                         list(op.outs) + lists, op.loc, regions)
        init_carry = [self.cotangents.get(id(op.outs[k])) for k in active]
        init_carry = [g if g is not None else ops.zeros_like(op.outs[k]) for g, k in zip(init_carry, active)]
        init_outer = [self.cotangents.get(id(v)) for v in outer]
        init_outer = [g if g is not None else ops.zeros_like(v) for g, v in zip(init_outer, outer)]
        region = Region(popped + d_saved + d_carry + d_outer + back_args, backward, results)
        ct_lists = [Value(list_aval(arg.aval), 'd' + _hint(arg) + '_saved')
                    for arg, _ in popped_cts]
        outs = make(self.builder, FOR_SAVED, lists + [ct for _, ct in saved_cts] + init_carry + init_outer + back_inits,
                    (region,), [args[k].aval for k in active] + [v.aval for v in outer + back_args],
                    {'saves': len(ct_lists)} if ct_lists else None,
                    names=[d.name for d in d_carry + d_outer + back_args])
        for out, arg in zip(outs[carried_count:], back_args):
            out.weak = arg.weak
        outs_op = self.builder.ops[-1]
        outs_op.outs += ct_lists
        for v, total in zip(outer, outs[len(active):]):
            self.cotangents[id(v)] = total   # it started from the cotangent v had before
        for k, d in zip(active, outs):
            if _is_active(inits[k], self.active):
                self.accumulate(inits[k], d)
        lists_in = dict(zip(map(id, popped_args), prim.saved_lists(op)))
        for (arg, _), ct_list in zip(popped_cts, ct_lists):
            if id(lists_in[id(arg)]) in self.cotangents:
                raise CompileError("differentiating this gradient again would add the cotangents of a "
                                   "list two of its loops read; that is not supported (take one order "
                                   "of derivative fewer, or use jacfwd over this gradient)", op.loc)
            self.cotangents[id(lists_in[id(arg)])] = ct_list
        return new_forward


class _Tape:
    """What the adjoint of loop `op` reads of its iterations (`needed`, values its body defines),
    and how it gets each: popped from a list the forward loop saves (`saved`), one per variable;
    or made again where that costs less than a list:
    - the next value of a carried variable whose current value is saved: the adjoint carries
      it, starting from the loop's result, and takes each popped current value going back;
    - the index of a range with bounds known now: the adjoint counts it down from the last;
    - a view of a value from before the loop at a Python-number index (`xs[t]`): taken again.
    The lists count the adjoint's iterations, so one stays (the index's, or a 0 per iteration)."""

    def __init__(self, op, scope, needed):
        prim = construct(op)
        body, count = prim.body(op), prim.carried_count(op)
        wanted = {id(v) for v in needed}
        self.follows = []     # (next value, its carried slot)
        for k, (arg, result) in enumerate(zip(prim.carried_args(op), body.results[:count])):
            if id(arg) in wanted and id(result) in wanted and result is not arg and \
                    all(result is not v for v, _ in self.follows):
                self.follows.append((result, k))
        self.op = op
        self.index = prim.index_args(op)[:1]
        values = prim.index_values(op) if self.index else None
        self.count_down = (values[-1], values.step) if values else None
        self.views = [v for v in needed if self.count_down and _is_view(v, self.index[0], scope)]
        remade = {id(v) for v, _ in self.follows} | {id(v) for v in self.views}
        if self.count_down and (id(self.index[0]) in wanted or any(
                w is self.index[0] for v in self.views for w in v.op.inputs)):
            remade.add(id(self.index[0]))
        else:
            self.count_down = None
        self.saved = [v for v in needed if id(v) not in remade]
        if not self.saved:
            self.count_down = None
            self.saved = self.index or [constant(0)]

    def remake(self, builder, backward, mapping):
        """Make the remade values in the adjoint's ops `backward` (`mapping` has the popped ones
        and receives the others). Returns the adjoint's extra carried arguments, their initial
        values and their next values."""
        prim = construct(self.op)
        back_args = [Value(v.aval, _hint(v), weak=v.weak) for v, _ in self.follows]
        inits = [self.op.outs[k] for _, k in self.follows]
        nexts = [mapping[id(prim.carried_args(self.op)[k])] for _, k in self.follows]
        mapping.update((id(v), arg) for (v, _), arg in zip(self.follows, back_args))
        if self.count_down:
            index = self.index[0]
            counter = Value(index.aval, _hint(index), weak=index.weak)
            mapping[id(index)] = counter
            with builder.region() as step:
                nexts.append(ops.sub(counter, self.count_down[1]))
            backward.extend(step)
            back_args.append(counter)
            inits.append(constant(self.count_down[0]))
        with builder.region() as views:
            clone_into(builder, [v.op for v in self.views], mapping)
        for view in views:     # part of the adjoint of the line that took it
            view.loc = _grad_loc(view)
        backward[:0] = views
        return back_args, inits, nexts


def _is_view(v, index, scope):
    """Whether `v` is a subscript of a value from before the loop at Python-number indices
    (constants or the loop's index): a view, which costs less to take again than to save."""
    op = v.op
    return op is not None and op.prim.subscript and not scope.defines(op.inputs[0]) and all(
        w is index or (isinstance(w, Value) and w.is_scalar_const) for w in op.inputs[1:])


class _Scope:
    """The values a region defines: its arguments and its ops' results, at any depth."""

    def __init__(self, args, region_ops):
        self.ids = {id(v) for v in args}
        for op in walk(region_ops):
            self.ids.update(id(o) for o in op.outs)
            for r in op.regions:
                self.ids.update(id(a) for a in r.args)

    def defines(self, v):
        return id(v) in self.ids


def _defined_within(v, region):
    return _Scope(region.args, region.ops).defines(v)


def _exports(forward_regions, backward_ops_per_branch, results_per_branch):
    """Values defined inside a forward branch that its adjoint branch reads."""
    exports = []
    for region, backward, results in zip(forward_regions, backward_ops_per_branch, results_per_branch):
        scope = _Scope([], region.ops)
        for v in free_values(Region([], backward, results)):
            if scope.defines(v) and all(v is not e for e in exports):
                exports.append(v)
    return exports


def _substitute(ops_, mapping):
    """Replace uses of values in `mapping` (id -> value) inside `ops_`, at any depth."""
    for op in walk(ops_):
        op.inputs = [mapping.get(id(v), v) for v in op.inputs]
        for region in op.regions:
            region.results = [mapping.get(id(v), v) for v in region.results]


def _hint(v):
    """A name for a value the adjoint moves (saves, exports): the user's, else its primitive's."""
    return v.name or (v.op.prim.name if v.op is not None else 't')


def _dedupe(values):
    seen, out = set(), []
    for v in values:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


# How reverse mode treats each construct: a rule returns the forward op as it is to run now
# (exporting what the adjoint reads), having appended the adjoint.
_ADJOINTS = {Custom: _Adjoint.custom, Cond: _Adjoint.cond, Loop: _Adjoint.loop}
