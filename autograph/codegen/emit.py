"""Graph -> Python source of one function, readable and runnable. The graph is what the passes
leave (`passes.optimize`): custom-gradient ops already inlined.

- Each op becomes NumPy: an operator (`x @ w + b`), a subscript (`x[1:, None]`) or a call of its
  kernel (`np.exp(z)`, `softplus(z)`); params are keywords, left out where they equal the
  kernel's default.
- A value used once, in the same source statement and the same block, with no name of the
  user's, is written inline in its consumer's expression; everything else gets a statement named
  after the user's variable (`z`, `loss`, `dz`, then `z_1`, ... for repeats).
- Control flow is written as Python control flow: `cond` as if/else, loops as `for`/`while`
  with the carried values as ordinary variables. Values that a loop's adjoint needs are
  appended to lists in the forward loop and read back in reverse by the adjoint loop.
- Above the statements from one line of the user's source stands that line as a comment
  (`# grad of: ...` for adjoint statements), and `line_map` maps generated lines back to it.

The source is a whole module: its imports (`numpy as np`, and the kernels NumPy lacks from
`runtime.kernels`), then the function. Returns `Generated(name, source, namespace, line_map)`;
`namespace` holds what has no literal spelling: large arrays made at compile time, and any
Python object the code uses (a printed object, a str subclass), read by name.

User data never becomes code. Every name in the source comes from `Namer` (so from
`ir.printer.identifier`: valid, not a keyword, NFKC-stable, unique, never a builtin or import);
every constant is a literal `ast.literal_eval` reads (`nodes.literal`), a dtype or index through
`np`, or a name in `namespace`; comments hold the user's line with every character that could
end a line escaped (`comment_text`). Blocks never come out empty.
"""
import ast
import contextlib
from typing import NamedTuple

import numpy as np

from ..ir import Value
from ..ir.control import Cond, ForRange, ForSaved, Loop, WhileLoop, carried_args, construct, rule_for
from ..ir.core import MachineName, Region, walk
from ..ir.effects import CHECK, PRINT, has_effect
from ..ir.printer import BUILTINS, RESERVED, Namer, identifier, is_identifier
from ..tree import flatten
from ..source import GENERATED_MARK
from . import nodes
from .seeds import scalar_seeds
from .unparse import unparser


class Generated(NamedTuple):
    name: str
    source: str
    namespace: dict
    line_map: dict          # generated line number -> SourceLoc


def generate(graph):
    imports = _imports(graph)
    imported = set().union(*imports.values(), {'np'})
    name = identifier(graph.name, 'function')
    # A module-level def must shadow neither a kernel it calls (a Cell named relu) nor a builtin
    # the code calls (print, range).
    while name in imported or name in BUILTINS:
        name += '_compiled'
    lines = [f'{GENERATED_MARK}: valid input to autograph.jit again.', 'import numpy as np']
    lines += [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(imports.items())]
    lines += ['', '']
    # Temporaries are named after their primitive; never let one shadow a builtin (`sum`).
    taken = {name} | imported | RESERVED | BUILTINS
    writer = _Writer(graph, Namer(taken=taken), lines)
    args = [writer.name(v, 'x') for v in graph.inputs]
    lines.append(f"def {name}({', '.join(args)}):")
    writer.block(graph.ops, '    ')
    writer.line('    ', nodes.return_(writer.tree(graph.outputs)))
    source = '\n'.join(lines) + '\n'
    return Generated(name, source, writer.namespace, writer.line_map)


def _imports(graph):
    imports = {}
    for op in walk(graph.ops):
        prim = op.prim
        if op.regions or prim.kernel is None or prim.infix or prim.prefix or prim.subscript or \
                prim.augmented or '.' in prim.spelling or prim.name in _SEQUENCE_CALLS:
            continue
        module = prim.kernel.__module__
        module = 'runtime.kernels' if module.startswith('runtime.kernels.') else module
        if not all(is_identifier(part) for part in module.split('.') + [prim.spelling]):
            raise ValueError(f'cannot import {prim.spelling!r} from {module!r}')
        imports.setdefault(module, set()).add(prim.spelling)
    return imports


_LITERAL_ARRAY_SIZE = 64   # constant arrays up to this size are written out in the source
# Inline expressions nest at most this deep: the unparser and Python's own compiler recurse per
# level, and a long unrolled chain from one source line would otherwise be one expression.
_MAX_NESTING = 32
# An expression moves from its own statement into another's (`_adjoint_reads`) only while it is
# short: a long one reads better as a line of its own.
_MAX_MOVED_OPS = 4


class _Writer:
    all_true = 'np.all'     # the function a run-time check calls (the array API dialect's is xp.all)

    def __init__(self, graph, namer, lines):
        self.namer = namer
        self.lines = lines
        self.namespace = {}
        self.line_map = {}
        self.statements = 0     # lines written that are not comments: a block needs one
        self.loc = None
        self.unparse = unparser()
        self.uses = _uses(graph)
        blocks = _Blocks(graph)
        self.inline = _inlined(graph, self.uses, blocks)
        self.alias = _coalesced(graph, self.inline, self.uses, blocks)
        self.seeds = scalar_seeds(graph, self.uses)

    # ------------------------------------------------------------ names and expressions
    def name(self, v, default='t'):
        while id(v) in self.alias:
            v = self.alias[id(v)]
        hint = default if v.op is None or not v.op.regions else 't'
        return self.namer(v, v.op.prim.name if v.op is not None and not v.op.regions else hint)

    def value(self, v):
        if v.is_const and isinstance(v.const, np.ndarray):
            if v.const.size <= _LITERAL_ARRAY_SIZE and v.const.dtype.kind in 'biufc':
                try:
                    return nodes.array_literal(v.const)
                except TypeError:
                    pass
            # A large array made while compiling: the code reads it from its namespace.
            name = self.namer(v, 'const')
            self.namespace[name] = v.const
            return nodes.name(name)
        if v.is_const:
            return self.const(v.const)
        if id(v) in self.inline:
            return self.op_expr(v.op)
        return nodes.name(self.name(v))

    def const(self, value, hint='const'):
        """A Python value as a literal where it has one; else a name the namespace binds to it."""
        try:
            return nodes.literal(value)
        except TypeError:
            return self.held(value, hint)

    def held(self, value, hint):
        name = self.namer.fresh(hint)
        self.namespace[name] = value
        return nodes.name(name)

    def op_expr(self, op):
        prim = op.prim
        args = [self.value(v) for v in op.inputs]
        if _is_square(op) and id(op.inputs[0]) in self.inline:
            return nodes.infix('**', args[0], nodes.literal(2))
        if prim.infix:
            return nodes.infix(prim.infix, *args)
        if prim.prefix:
            return nodes.prefix(prim.prefix, *args)
        if prim.subscript:
            return nodes.subscript(args[0], _index_items(op.params['index'], args[1:]))
        if prim.attribute and all(_is_default(prim, k, p) for k, p in op.params.items()):
            return nodes.attribute(args[0], prim.attribute)
        if id(op.out) in self.seeds:     # a loop's accumulator or seed: the first += makes the array
            return nodes.literal(float(op.params['fill_value']))
        if prim.name == 'full' and op.params['fill_value'] in (0, 1):
            # np.zeros/np.ones read better than np.full (runtime.ops reads them back).
            spelling = 'np.ones' if op.params['fill_value'] == 1 else 'np.zeros'
            return nodes.call(spelling, [self.const(op.params['shape'])],
                              [('dtype', self.const(op.params['dtype']))])
        if 'index' in op.params:
            # Index arrays go inside the index, where they belong: index=np.s_[idx, ::2].
            lead = prim.index_after
            index = nodes.subscript(nodes.dotted('np.s_'), _index_items(op.params['index'], args[lead:]))
            return nodes.call(prim.spelling, args[:lead], [('index', index)] + [
                (k, self.const(p)) for k, p in op.params.items() if k != 'index'])
        keywords = [(k, self.const(p)) for k, p in op.params.items()
                    if not _is_default(prim, k, p)]
        if prim.name in _SEQUENCE_CALLS:     # np.stack([a, b]), as people write it
            return nodes.call(_SEQUENCE_CALLS[prim.name], [nodes.list_(args)], keywords)
        if prim.method and op.inputs[0].shape:   # an array when the code runs, not a scalar
            return nodes.call(nodes.attribute(args[0], prim.method), args[1:], keywords)
        return nodes.call(prim.spelling, args, keywords)

    def tree(self, tree):
        if isinstance(tree, dict):
            return nodes.dict_(((self.const(k, 'key'), self.tree(v)) for k, v in tree.items()))
        if isinstance(tree, list):
            return nodes.list_(self.tree(t) for t in tree)
        if isinstance(tree, tuple):
            return nodes.tuple_(self.tree(t) for t in tree)
        if isinstance(tree, Value):
            return self.value(tree)
        return self.const(tree)

    # ------------------------------------------------------------ statements
    def line(self, indent, statement):
        # split('\n'), not splitlines(): string literals are repr'd, so only a real newline
        # can end a line, and str.splitlines would also split at \x0c or \u2028.
        for text in self.unparse(statement).split('\n'):
            self.text(indent, text)

    def text(self, indent, text):
        self.lines.append(indent + text)
        self.line_map[len(self.lines)] = self.loc
        self.statements += 1

    def expr_text(self, node):
        return self.unparse(node)

    def assign(self, indent, target, value_node):
        if not (isinstance(value_node, ast.Name) and value_node.id == self.name(target)):
            self.line(indent, nodes.assign(self.name(target), value_node))

    def comment(self, indent, op):
        if op.loc is not None and op.loc != self.loc:
            prefix = 'grad of ' * (op.loc.grad - 1) + 'grad of: ' if op.loc.grad else ''
            # Inlined code: the calls that lead to it from the last line shown, outermost first
            shown = _call_path(self.loc) + [self.loc] if self.loc is not None else []
            path = _call_path(op.loc)
            common = 0
            while common < min(len(path), len(shown)) and _place(path[common]) == _place(shown[common]):
                common += 1
            for call in path[common:]:
                self.lines.append(indent + '# ' + prefix + comment_text(call.text))
            self.loc = op.loc
            self.lines.append(indent + '# ' + prefix + comment_text(op.loc.text))

    def block(self, ops, indent):
        for op in ops:
            if op.outs and all(id(o) in self.inline for o in op.outs):
                continue
            self.comment(indent, op)
            if op.prim is PRINT:
                self.line(indent, nodes.expression(self.print_call(op)))
            elif op.prim is CHECK:
                self.text(indent, f'if not {self.all_true}({self.expr_text(self.value(op.inputs[0]))}):')
                message = op.params['message']
                args = [] if message is None else [self.const(message, 'message')]
                self.line(indent + '    ', nodes.raise_('AssertionError', args))
            elif op.regions:
                _rule(_STATEMENTS, op)(self, op, indent)
            elif op.prim.effect and id(op.out) not in self.uses:
                self.line(indent, nodes.expression(self.op_expr(op)))   # assign(w, ...) for its effect
            elif op.prim.augmented:
                self.augmented(indent, op)
            else:
                self.assign(indent, op.out, self.op_expr(op))

    def augmented(self, indent, op):
        """`acc += x`. A result with a variable of its own takes acc's array first: the update
        is in acc's memory either way (the optimiser made it where nothing else reads acc)."""
        self.assign(indent, op.out, self.value(op.inputs[0]))
        self.line(indent, nodes.aug_assign(self.name(op.out), op.prim.augmented, self.value(op.inputs[1])))

    def print_call(self, op):
        """print(...) with the run's values; a printed object other than a plain str or number
        (a list, a NumPy scalar, a user object) is held in the namespace and printed as itself
        when the code runs: its str() is Python's to call then, never pasted into the source."""
        values = iter(self.value(v) for v in op.inputs)

        def item(x, hint='printed'):
            return nodes.literal(x) if nodes.is_plain(x) else self.held(x, hint)
        args = [next(values) if x is None else item(x) for x in op.params['items']]
        keywords = [(k, item(op.params[k], k)) for k, default in (('sep', ' '), ('end', '\n'))
                    if not (type(op.params[k]) is str and op.params[k] == default)]
        return nodes.call('print', args, keywords)

    def yields(self, indent, targets, results):
        """The targets take the results, as at once: where one result reads a variable that an
        earlier target writes (a value before the if, yielded beside its new one), all of them
        are one tuple assignment."""
        pairs = [(self.name(t), self.value(r)) for t, r in zip(targets, results)]
        pairs = [(t, v) for t, v in pairs if not (isinstance(v, ast.Name) and v.id == t)]
        written = set()
        for target, value in pairs:
            if written & _names_read(value):
                self.line(indent, nodes.assign_many([t for t, _ in pairs], [v for _, v in pairs]))
                return
            written.add(target)
        for target, value in pairs:
            self.line(indent, nodes.assign(target, value))

    def cond(self, op, indent):
        then, orelse = op.regions
        self.text(indent, f'if {self.expr_text(self.value(op.inputs[0]))}:')
        inner = indent + '    '
        before = self.statements
        with self.branch_names(then):
            self.block(then.ops, inner)
            self.yields(inner, op.outs, then.results)
        if self.statements == before:      # comments alone do not make a block
            self.text(inner, 'pass')
        start, loc, before = len(self.lines), self.loc, self.statements
        self.text(indent, 'else:')
        self.block(orelse.ops, inner)
        self.yields(inner, op.outs, orelse.results)
        if self.statements == before + 1:  # nothing in the else: drop it, with its comments
            self.drop(start, loc)

    @contextlib.contextmanager
    def branch_names(self, region):
        """Names of values that live and die inside `region` (one branch of an if) are free
        again after it: the other branch's `y` is `y` too, not `y_1`."""
        mark = self.namer.mark()
        yield
        local = {id(o) for inner in walk(region.ops) for o in inner.outs}
        self.namer.release(mark, local.__contains__)

    def drop(self, start, loc):
        """Remove the lines written from `start` on, as if the writer were back at `loc`."""
        self.statements -= sum(1 for line in self.lines[start:] if not line.lstrip().startswith('#'))
        del self.lines[start:]
        for number in [n for n in self.line_map if n > start]:
            del self.line_map[number]
        self.loc = loc

    def loop(self, op, indent):
        prim = construct(op)
        inner = indent + '    '
        carried = op.outs[:prim.carried_count(op)]
        self.yields(indent, carried, prim.carried_inputs(op))
        for saved in op.outs[len(carried):]:
            self.text(indent, f'{self.name(saved, "saved")} = []')
        body = prim.body(op)
        header, loc = len(self.lines), self.loc
        before = self.statements + 1     # each header is one line; a while True's test is body
        _rule(_HEADERS, op)(self, op, indent)
        # Saved values: an iteration's arguments are saved as it starts, before anything
        # reassigns their variables; values the body computes, as it ends.
        saves = list(zip(op.outs[len(carried):], body.results[len(carried):]))
        at_start = [(s, v) for s, v in saves if any(v is a for a in body.args)]
        for saved, value in at_start:
            self.text(inner, f'{self.name(saved)}.append({self.expr_text(self.value(value))})')
        self.block(body.ops, inner)
        for saved, value in saves:
            if all(saved is not s for s, _ in at_start):
                self.text(inner, f'{self.name(saved)}.append({self.expr_text(self.value(value))})')
        self.yields(inner, prim.carried_args(op), body.results[:len(carried)])
        if self.statements == before:
            # Nothing to do in the body (an adjoint loop whose carried gradient passes through
            # unchanged). A for loop over a range or saved lists can go; a while loop stays, as
            # its test decides whether the code ends.
            if prim.test(op) is not None:
                self.text(inner, 'pass')
            else:
                self.drop(header, loc)

    # Loop headers: each writes the line that starts the loop (and a while True's test).
    def range_header(self, op, indent):
        prim = construct(op)
        bounds = ', '.join(self.expr_text(self.value(v)) for v in _range_args(prim.bounds(op)))
        self.text(indent, f'for {self.name(prim.index_args(op)[0], "i")} in range({bounds}):')

    def while_header(self, op, indent):
        test = construct(op).test(op)
        inner = indent + '    '
        if any(id(o) not in self.inline for t in test.ops for o in t.outs):
            self.text(indent, 'while True:')
            self.block(test.ops, inner)
            self.text(inner, f'if not {self.expr_text(self.value(test.results[0]))}:')
            self.text(inner + '    ', 'break')
        else:
            self.text(indent, f'while {self.expr_text(self.value(test.results[0]))}:')

    def reversed_header(self, op, indent):
        prim = construct(op)
        targets = ', '.join(self.name(v) for v in prim.popped_args(op))
        sources = [f'reversed({self.name(v)})' for v in prim.saved_lists(op)]
        over = sources[0] if len(sources) == 1 else f"zip({', '.join(sources)})"
        self.text(indent, f'for {targets} in {over}:')


# How each construct is written: a statement, and a loop's header line.
_STATEMENTS = {Cond: _Writer.cond, Loop: _Writer.loop}
_HEADERS = {ForRange: _Writer.range_header, WhileLoop: _Writer.while_header, ForSaved: _Writer.reversed_header}


def _rule(table, op):
    rule = rule_for(table, op.prim)
    if rule is None:
        raise NotImplementedError(f"code generation has no rule for {op.prim.name}")
    return rule


def comment_text(text):
    """The user's source line as comment text that cannot leave its comment: characters Python
    or `str.splitlines` (linecache, inspect) would take as the end of a line, NUL, and other
    unprintable ones (bidirectional overrides, say) are written as escapes (`\\x0c`)."""
    if text.isprintable():
        return text
    return ''.join(c if c.isprintable() or c == '\t' else repr(c)[1:-1] for c in text)


def _range_args(bounds):
    start, stop, step = bounds
    if step.is_scalar_const and step.const == 1:
        return [stop] if start.is_scalar_const and start.const == 0 else [start, stop]
    return [start, stop, step]


def _uses(graph):
    """id(value) -> list of (op or None, block) using it; None stands for results and outputs."""
    uses = {}

    def note(v, user, block):
        if isinstance(v, Value):
            uses.setdefault(id(v), []).append((user, block))

    def visit(ops):
        for op in ops:
            for v in op.inputs:
                note(v, op, id(ops))
            for region in op.regions:
                visit(region.ops)
                for v in region.results:
                    note(v, None, id(region.ops))
    visit(graph.ops)
    for v in flatten(graph.outputs):
        note(v, None, id(graph.ops))
    return uses


class _Blocks:
    """Where each op stands: `region_of[id(op)]`, the Region whose ops hold it (the function's
    body is a Region of its own), and `owner_of[id(region)]`, the op that holds a region. Built
    once, so that asking where a value is defined does not scan a block."""

    def __init__(self, graph):
        top = Region([], graph.ops, flatten(graph.outputs))
        self.region_of = dict.fromkeys(map(id, graph.ops), top)
        self.owner_of = {}
        for op in walk(graph.ops):
            for region in op.regions:
                self.region_of.update(dict.fromkeys(map(id, region.ops), region))
                self.owner_of[id(region)] = op

    def defines(self, region, v):
        """Whether `v` is the result of one of `region`'s own ops (not of one nested deeper)."""
        return isinstance(v, Value) and v.op is not None and self.region_of.get(id(v.op)) is region


def _inlined(graph, uses, blocks):
    """ids of op results written inline in their single consumer, in the same block and from
    the same source statement (or adjoint code, see `_adjoint_reads`), with no effect (an
    assign) between them."""
    inline = set()
    depth = {}     # id(value) -> how deeply its inline expression nests
    size = {}      # id(value) -> how many ops its inline expression writes
    arguments = {id(v) for v in graph.inputs}

    def visit(ops):
        effects_before, barriers_before = {}, {}
        count = barriers = 0
        for op in ops:
            effects_before[id(op)], barriers_before[id(op)] = count, barriers
            count += op.prim.effect or bool(op.regions and has_effect(op))
            # a construct or an in-place update may rebind a variable an expression reads
            barriers += bool(op.regions) or bool(op.prim.augmented)
        for op in ops:
            for region in op.regions:
                visit(region.ops)
            test_region = construct(op).test(op) if op.regions else None
            if test_region is not None:   # the test's value is written in the loop's header
                test = test_region.results[0]
                if blocks.defines(test_region, test) and len(uses.get(id(test), [])) == 1:
                    inline.add(id(test))
            if op.regions or not op.outs or _user_named(op.out) or op.prim.augmented:
                continue
            nesting = 1 + max((depth.get(id(v), 0) for v in op.inputs if id(v) in inline), default=0)
            if nesting > _MAX_NESTING:
                continue      # a chain of one statement's ops (an unrolled loop's) is cut into lines
            users = uses.get(id(op.out), [])
            if _squared(users, op.out):
                users = users[:1]       # `v * v` of an inline v is written `(...) ** 2`
            if len(users) != 1 or users[0][0] is None or users[0][1] != id(ops):
                continue
            user = users[0][0]
            ops_written = 1 + sum(size.get(id(v), 0) for v in op.inputs if id(v) in inline)
            if (user.loc == op.loc or _view_of(op, arguments) or
                    (ops_written <= _MAX_MOVED_OPS and _adjoint_reads(user, op, barriers_before))) \
                    and _inlinable_into(user, op.out) and effects_before[id(user)] == effects_before[id(op)]:
                inline.add(id(op.out))
                depth[id(op.out)] = nesting
                size[id(op.out)] = ops_written
    visit(graph.ops)
    return inline


_SEQUENCE_CALLS = {'stack': 'np.stack', 'concat': 'np.concatenate'}


def _user_named(v):
    return v.name is not None and not isinstance(v.name, MachineName)


def _squared(users, v):
    """Whether `v`'s only reader is `v * v` (floats: `x ** 2` is NumPy's square, x * x exactly)."""
    return len(users) == 2 and users[0][0] is not None and users[0][0] is users[1][0] and \
        _is_square(users[0][0]) and v.dtype is not None and np.dtype(v.dtype).kind == 'f'


def _is_square(op):
    return op.prim.name == 'mul' and op.inputs[0] is op.inputs[1]


def _call_path(loc):
    """The statements that called the function `loc` is in, outermost first."""
    path = []
    while loc is not None and loc.caller is not None:
        loc = loc.caller
        path.append(loc)
    return path[::-1]


def _place(loc):
    return loc.filename, loc.lineno, loc.col, _call_path(loc)


def _adjoint_reads(user, op, barriers_before):
    """Whether `op`, from another statement than `user`, may be written inside `user`'s
    expression: both are adjoint code with nothing between them that rebinds a variable (a
    partial product of one gradient read once by the next: `da = sub * b + dexp * exp`), or `op`
    is a forward value of the statement whose adjoint `user` is (`1 - np.tanh(a * b) ** 2`)."""
    if op.loc is None or user.loc is None or barriers_before[id(user)] != barriers_before[id(op)]:
        return False
    if op.loc.grad and user.loc.grad:
        return True
    # a forward temporary that only the statement's own adjoint reads: `dlog = -0.125 * (1 - y)`
    return user.loc.grad == op.loc.grad + 1 and _place(user.loc) == _place(op.loc)


def _view_of(op, arguments):
    """Whether `op` is a subscript or transpose of the function's arguments, which no statement
    rebinds: written where it is read, however far from its own line (`c[1] * ...`)."""
    return (op.prim.subscript or op.prim.name == 'transpose') and \
        all(id(v) in arguments or v.is_const for v in op.inputs)


def _inlinable_into(user, v):
    """Control-flow ops take inline expressions only where the header evaluates them once:
    an if's condition and a range's bounds."""
    if not user.regions:
        return True
    return any(v is b for b in construct(user).header_inputs(user))


def _coalesced(graph, inline, uses, blocks):
    """id(value) -> the value whose Python variable it shares: a loop's carried value, its body
    argument, its initial value and its next value are one variable where that is safe, and so
    are a branch's yielded value and the if's result."""
    variables = _Variables()
    reads = _Reads(inline)
    block_of, owner_of = blocks.region_of, blocks.owner_of

    def only_used_by(v, user):
        return all(u is user for u, _ in uses.get(id(v), [])) and id(v) not in inline

    def free(v):
        return id(v) not in variables.alias

    def repeated_since(v, op):
        """Whether a loop around `op` (but not around `v`'s definition) runs it again: then
        `v`'s variable must keep `v` for the next round."""
        region = block_of[id(op)]
        while block_of.get(id(v.op)) is not region:
            owner = owner_of.get(id(region))
            if owner is None:
                return False
            if construct(owner).repeats:
                return True
            region = block_of[id(owner)]
        return False

    def clobbers(v, out, region, ignore=frozenset()):
        """`_clobbers` for `v` and for every value of `v`'s variable that an op nested in `v`'s
        own op defines: joins made inside a branch before this one (a branch's result taking
        its yielded value's variable) would otherwise write `out`'s variable there while it
        still holds a value read after them."""
        if _clobbers(v, out, region, variables, reads, owner_of, ignore):
            return True
        if v.op is None or not v.op.regions:
            return False
        held = variables.holding(v)
        return any(id(m) in held and m is not v and
                   _clobbers(m, out, block_of[id(inner)], variables, reads, owner_of)
                   for r in v.op.regions for inner in walk(r.ops) for m in inner.outs)
    for op in walk(graph.ops):
        if not op.regions:
            continue
        prim = construct(op)
        if prim.selects:
            for region in op.regions:
                for out, result in zip(op.outs, region.results):
                    if blocks.defines(region, result) and only_used_by(result, None) and free(result) \
                            and not clobbers(result, out, region):
                        variables.join(result, out)
        else:
            carried = op.outs[:prim.carried_count(op)]
            body = prim.body(op)
            for region in op.regions:
                if region is not body:   # a loop's test reads the carried variables too
                    for out, arg in zip(carried, prim.carried_args(op, region)):
                        variables.join(arg, out)
            for out, init, arg, result in zip(carried, prim.carried_inputs(op), prim.carried_args(op),
                                              body.results[:len(carried)]):
                variables.join(arg, out)
                if init.op is not None and only_used_by(init, op) and free(init) \
                        and not repeated_since(init, op) \
                        and not clobbers(init, out, block_of[id(op)], reads.inside(op)):
                    variables.join(init, out)
                if blocks.defines(body, result) and only_used_by(result, None) and free(result) \
                        and not clobbers(result, out, body):
                    variables.join(result, out)
    for op in walk(graph.ops):      # `acc += x` leaves its result in acc's variable (acc is dead)
        if op.prim.augmented and free(op.out) and only_used_by(op.inputs[0], op):
            variables.join(op.out, op.inputs[0])
    return {key: variables.root(v) for key, v in variables.alias.items()}    # one step to the variable


def _names_read(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class _Variables:
    """Which values share a Python variable. `alias[id(v)]` links `v` to a value whose variable
    it takes; the end of the chain (the root) is the variable. Each root knows the ids of all
    the values in its variable, so that asking which values a variable holds costs the size of
    the answer, not of the code (a chain of 10,000 loops, each starting from the last one's
    result, is one variable)."""

    def __init__(self):
        self.alias = {}
        self.members = {}       # id(root) -> ids of the values whose root it is, itself included

    def root(self, v):
        chain = []
        while id(v) in self.alias:
            chain.append(v)
            v = self.alias[id(v)]
        for link in chain[:-1]:    # shorten the chain for the next time (links only grow at roots)
            self.alias[id(link)] = v
        return v

    def holding(self, v):
        """The ids of the values in `v`'s variable."""
        root = self.root(v)
        return self.members.get(id(root)) or {id(root)}

    def join(self, v, into):
        """`v`, a root, takes the variable of `into`."""
        assert id(v) not in self.alias
        root = self.root(into)
        self.alias[id(v)] = root
        mine, theirs = self.members.pop(id(v), {id(v)}), self.members.get(id(root), {id(root)})
        if len(mine) > len(theirs):     # the smaller set goes into the larger
            mine, theirs = theirs, mine
        theirs |= mine
        self.members[id(root)] = theirs


class _Reads:
    """Per block, built on first use: where each op's statement stands, and the last statement
    that reads each value. `_clobbers` asks about many carried values of one block; scanning
    the block each time made a function of many loops quadratic."""

    def __init__(self, inline):
        self.inline = inline
        self.placed = {}        # id(region) -> (id(op) -> its statement's position, id(value) -> first op reading it)
        self.last = {}          # id(region) -> {id(value): position of the last statement reading it}
        self.own = {}           # id(loop op) -> `_inside(loop)`

    def statement_of(self, op, region):
        """The position of the statement `op` is written in: its own, or (inline) its
        consumer's. KeyError (or AttributeError) when `region` cannot place it."""
        if id(region) not in self.placed:
            position, consumer = {}, {}
            statements = [o for o in region.ops if not (o.outs and all(id(v) in self.inline for v in o.outs))]
            for i, o in enumerate(statements):
                position[id(o)] = i
            for o in region.ops:
                for v in o.inputs:
                    consumer.setdefault(id(v), o)
            members = {id(o) for o in region.ops}
            self.placed[id(region)] = position, consumer, members
        position, consumer, members = self.placed[id(region)]
        if id(op) not in members:
            # an op of an enclosing block, read here (seed 71901: a loop in a branch started
            # from a sum made before the if; placed at the loop, it seemed to clobber nothing
            # the other branch read)
            raise KeyError(id(op))
        while id(op) not in position:
            op = consumer[id(op.out)]
        return position[id(op)]

    def last_reads(self, region):
        """id(value) -> the position of the last statement of `region` that reads it: its op's
        inputs, those of ops nested in its regions, and its regions' results."""
        if id(region) not in self.last:
            last = {}
            for op in region.ops:
                values = list(op.inputs) + [v for r in op.regions for inner in walk(r.ops) for v in inner.inputs] \
                    + [v for r in op.regions for v in r.results]
                try:
                    at = self.statement_of(op, region)
                except KeyError:
                    at = float('inf')     # cannot be placed: counted as reading last, so never shared
                for v in values:
                    if isinstance(v, Value) and last.get(id(v), -1) < at:
                        last[id(v)] = at
            self.last[id(region)] = last
        return self.last[id(region)]

    def inside(self, loop):
        if id(loop) not in self.own:
            self.own[id(loop)] = _inside(loop)
        return self.own[id(loop)]


def _inside(loop):
    """ids of the values a loop op defines (its results, its regions' arguments and ops)."""
    ids = {id(o) for o in loop.outs} | {id(a) for r in loop.regions for a in r.args}
    return ids | {id(o) for inner in walk([loop]) for o in inner.outs}


def _clobbers(result, out, region, variables, reads, owner_of, ignore=frozenset()):
    """Whether writing `result` into `out`'s variable would overwrite a value that a later
    statement of `region` still reads from that variable (a loop's argument, say), or that the
    region yields at its end. Reads of values in `ignore` (a loop's own, when `result`
    initialises it) do not count. `owner_of`: id(region) -> the op holding it."""
    held = variables.holding(out)

    def shares_id(i):
        return i in held and i != id(result) and i not in ignore

    def shares(v):
        return isinstance(v, Value) and shares_id(id(v))

    try:
        defined_at = reads.statement_of(result.op, region)
    except (KeyError, AttributeError):
        return True     # defined in an enclosing block by an op this block cannot place: apart
    defining = result.op
    if defining.regions and construct(defining).repeats:
        # A loop writes its carried variables at every iteration, while its body still reads:
        # a value of the same variable read inside it (not one of the loop's own) would change.
        own = reads.inside(defining)
        inner = [v for r in defining.regions for op in walk(r.ops) for v in op.inputs] + \
            [v for r in defining.regions for v in r.results]
        if any(shares(v) and id(v) not in own for v in inner):
            return True
    # A later statement reads a value of the variable: look through whichever is smaller, the
    # values the variable holds or those the block reads.
    last = reads.last_reads(region)
    if len(held) < len(last):
        if any(last.get(i, -1) > defined_at and shares_id(i) for i in held):
            return True
    elif any(at > defined_at and shares_id(i) for i, at in last.items()):
        return True
    # Yielded values are read at the end, except arguments a loop saves (it saves them as it
    # starts) or passes on unchanged into their own slot (nothing to read). An argument yielded
    # into another carried slot (`v = x` where x changes) is read at the end.
    owner = owner_of.get(id(region))
    if owner is None or not construct(owner).repeats or region is not construct(owner).body(owner):
        return any(shares(v) for v in region.results if not any(v is a for a in region.args))
    args = carried_args(owner)
    moved = [r for a, r in zip(args, region.results) if r is not a and any(r is b for b in region.args)]
    carried = region.results[:len(args)]
    return any(shares(v) for v in carried if not any(v is a for a in region.args)) or \
        any(shares(v) for v in moved)


def _index_items(template, operands):
    """Subscript items for an index template, with the operands' expressions in place of 'array'."""
    operands = iter(operands)
    return [next(operands) if isinstance(item, str) else nodes.index_item(item) for item in template]


def _is_default(prim, key, value):
    default = prim.param_defaults.get(key, _is_default)
    if default is np._NoValue:  # NumPy's "not given" default: keepdims=False, axis=None
        return value is None or value is False
    return default is not _is_default and type(default) is type(value) and default == value
