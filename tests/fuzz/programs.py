"""Random programs for the fuzzer: Python source that autograph should compile to the same values
and gradients as plain Python on Tensors gives.

`generate(rng)` writes one module: a few helper functions, then `f(x0, ..., [n], [alpha])`, from
the choices of `rng` (a `random.Random`, or hypothesis's `st.randoms()` so that a failing program
shrinks). Everything in it is well formed by construction:

- every Tensor variable keeps one shape for its whole life (the generator tracks each variable's
  kind and shape by scopes), so the branches of an `if` and the iterations of a loop agree;
- loops are bounded: `for` runs over constant or small ranges, a Tensor's rows, tuples; a
  `while` on a Tensor counts `k` up first thing in its body (a `continue` cannot skip it), and a
  `while` on a Python int likewise; so a program that hangs is a compiler bug;
- divisions, logarithms and square roots get arguments kept away from zero (`1.5 + e * e`);
  values may still grow, and the checker skips programs whose values overflow;
- in-place item assignment (`b[i] = v`, which mutates a Tensor in place outside compiled code
  but rebinds a new array inside it) targets only "buffers": variables that hold an array no
  other name can see (assigned from a computation, never stored bare into another variable, a
  container, an argument or a loop), so aliasing never makes eager and compiled code differ.

What it writes: straight-line code with elementwise ops, reductions, matmul, broadcasting,
`x[1:]`, `x[::2]`, `x[None]`, `m[:, j]`, `x[i]` with loop indices, `.T`, reshapes, augmented
assignment, Python floats and ints mixed in, Tensor methods and NumPy calls; run-time `if`/
`elif`/`else` (and `a if c else b`) on Tensor conditions with `and`/`or`/`not`, compile-time
`if`; `for` over `range(K)`, `range(n)` (a run-time bound), a Tensor's rows, `enumerate`, `zip`,
tuples of floats, lists and dicts; `while` on Tensors and on Python ints; `break`, `continue`,
`return` and loop `else` at any depth; tuples, lists (with `append`) and dicts of Tensors,
indexed with constants, unpacked, updated (`d['a'] = v`) and carried through loops; helper
functions (which call each other, with default and keyword arguments, returning tuples),
closures reading the enclosing function's variables, lambdas, and a module-level Tensor.
"""
import math
from dataclasses import dataclass, field

import numpy as np

DIMS = (2, 3, 4)
SHAPES = [()] + [(d,) for d in DIMS] + [(a, b) for a in DIMS for b in DIMS]
DICT_KEYS = ('a', 'b', 'c')


# ---------------------------------------------------------------- variables and scopes
@dataclass
class Var:
    name: str
    kind: str                 # tensor, float, int, index, tuple, list, dict, func, poly
    shape: tuple = ()         # tensor: its shape
    shapes: tuple = ()        # tuple/list: element shapes; dict: ((key, shape), ...)
    buffer: bool = False      # a tensor that `b[i] = v` may write into
    frozen: bool = False      # never assigned again (loop counters, run-time bounds)
    bound: int = 0            # index: values lie in range(bound); int: its value
    params: tuple = ()        # func: parameter shapes
    returns: tuple = ()       # func: shapes of its results (one: a Tensor, several: a tuple)
    defaults: int = 0         # func: trailing float parameters with defaults


@dataclass
class Scope:
    vars: dict = field(default_factory=dict)
    readonly: bool = False    # an enclosing function's scope (closures read it, never assign)


@dataclass
class Frame:
    """One function being written: what `return` must give, and the loops around a statement."""
    returns: tuple
    loops: list = field(default_factory=list)   # 'runtime' or 'static', innermost last


@dataclass
class Program:
    source: str
    args: list                # float64 arrays, an int64 0-d array (n), or a Python float (alpha)
    positions: tuple          # the float arrays differentiated
    returns: tuple            # shapes of f's results
    name: str = 'f'


def fmt(c):
    """A float constant as source, negative ones parenthesised."""
    text = repr(float(c))
    return f'({text})' if c < 0 else text


class Generator:
    def __init__(self, rng, size=1.0):
        self.rng = rng
        self.size = size          # scales the number of statements
        self.counter = {}
        self.scopes = []
        self.frames = []
        self.helpers = []         # source of module-level functions
        self.n_value = None       # value of the run-time bound n, when f takes one
        self.alpha = False
        self.indent = 1

    # ------------------------------------------------------------ choices
    def pick(self, options):
        """One of `options`, a list of (weight, value); the first ones are what shrinking reaches."""
        options = [(w, v) for w, v in options if w > 0]
        total = sum(w for w, _ in options)
        r = self.rng.random() * total
        for w, v in options:
            r -= w
            if r < 0:
                return v
        return options[-1][1]

    def chance(self, p):
        return self.rng.random() < p

    def choice(self, seq):
        seq = list(seq)
        return seq[self.rng.randint(0, len(seq) - 1)]

    def const(self, lo=-2.0, hi=2.0):
        return round(self.rng.uniform(lo, hi), 2)

    def fresh(self, prefix):
        k = self.counter.get(prefix, 0)
        self.counter[prefix] = k + 1
        return f'{prefix}{k}'

    # ------------------------------------------------------------ scopes
    def visible(self, pred=lambda v: True):
        seen = {}
        for scope in self.scopes:
            for name, v in scope.vars.items():
                seen[name] = v
        return [v for v in seen.values() if pred(v)]

    def assignable(self, pred=lambda v: True):
        """Variables a statement may assign: not in a read-only (enclosing function) scope."""
        names = set()
        for scope in self.scopes:
            if not scope.readonly:
                names.update(scope.vars)
        return [v for v in self.visible(pred) if v.name in names and not v.frozen]

    def define(self, var):
        self.scopes[-1].vars[var.name] = var
        return var

    def tensors(self, shape=None, store=False, pred=lambda v: True):
        return self.visible(lambda v: v.kind == 'tensor' and (shape is None or v.shape == shape)
                            and not (store and v.buffer) and pred(v))

    def dim(self, needs):
        """A dimension k from DIMS, preferring those for which variables of the shapes
        `needs(k)` exist (so that expressions use variables more than fresh constants)."""
        have = {v.shape for v in self.tensors()}
        return self.pick([(1 + 3 * sum(s in have for s in needs(k)), k) for k in DIMS])

    def some_shape(self):
        """A shape, preferring those of variables there are."""
        have = [v.shape for v in self.tensors()]
        return self.choice(have) if have and self.chance(0.6) else self.choice(SHAPES)

    def loop_indices(self):
        return self.visible(lambda v: v.kind == 'index')

    # ------------------------------------------------------------ tensor expressions
    def tensor(self, shape, d, store=False):
        """Source of an expression giving a float64 Tensor of `shape`. With `store`, its value may
        be stored by the caller, so it must not be (a view of) a buffer."""
        if d <= 0:
            return self.leaf(shape, store)
        choice = self.pick([
            (3, 'leaf'), (3, 'unary'), (5, 'binary'), (2, 'scalar_mix'), (1.5, 'reduce'),
            (1.5, 'matmul'), (1.5, 'view'), (1, 'call'), (0.7, 'where'), (0.4, 'ternary'),
            (0.7, 'reshape'), (0.7, 'container'), (0.5, 'index'),
        ])
        out = getattr(self, 'expr_' + choice)(shape, d, store)
        return out if out is not None else self.leaf(shape, store)

    def leaf(self, shape, store):
        options = [(3, v.name) for v in self.tensors(shape, store)]
        options += [(1, s) for s in self.views(shape, store)]
        if options:
            return self.pick(options)
        # nothing of this shape yet: make one from a reduction of something there is
        base = self.choice(self.tensors(store=False) or self.visible(lambda v: v.kind == 'tensor'))
        total = f'ops.sum({base.name})' if base.shape else base.name
        if shape == ():
            return f'({total} * 1.0)' if not base.shape else total
        return f'(ops.ones({shape}, float64) * {total})'

    def views(self, shape, store):
        """Subscripts of variables that give `shape`: basic indexing and slicing (views)."""
        out = []
        for v in self.tensors(store=store):
            s = v.shape
            if len(s) == 1:
                n = s[0]
                if shape == ():
                    out += [f'{v.name}[{self.rng.randint(-n, n - 1)}]']
                elif len(shape) == 1:
                    k = shape[0]
                    if k == n:
                        out += [f'{v.name}[::-1]', f'{v.name}[:]']
                    if k == n - 1:
                        out += [f'{v.name}[1:]', f'{v.name}[:-1]']
                    if k < n:
                        out += [f'{v.name}[:{k}]', f'{v.name}[-{k}:]']
                    if k == (n + 1) // 2:
                        out += [f'{v.name}[::2]']
                    if k == n // 2 and k > 0:
                        out += [f'{v.name}[1::2]']
                elif shape == (1, n):
                    out += [f'{v.name}[None]']
                elif shape == (n, 1):
                    out += [f'{v.name}[:, None]']
            elif len(s) == 2:
                r, c = s
                if shape == ():
                    out += [f'{v.name}[{self.rng.randint(0, r - 1)}, {self.rng.randint(-c, c - 1)}]',
                            f'{v.name}[{self.rng.randint(0, r - 1)}][{self.rng.randint(0, c - 1)}]']
                elif shape == (c,):
                    out += [f'{v.name}[{self.rng.randint(-r, r - 1)}]', f'{v.name}[-1, :]']
                elif shape == (r,):
                    out += [f'{v.name}[:, {self.rng.randint(-c, c - 1)}]', f'{v.name}[..., 0]']
                if shape == (c, r):
                    out += [f'{v.name}.T']
                if len(shape) == 2 and shape[1] == c and shape[0] < r:
                    out += [f'{v.name}[{r - shape[0]}:]', f'{v.name}[:{shape[0]}]']
                if len(shape) == 2 and shape[0] == r and shape[1] < c:
                    out += [f'{v.name}[:, 1:{1 + shape[1]}]' if shape[1] < c else f'{v.name}[:, :]']
                if len(shape) == 2 and shape[0] == (r + 1) // 2 and shape[1] == c:
                    out += [f'{v.name}[::2]']
                if len(shape) == 2 and shape == (r, (c + 1) // 2):
                    out += [f'{v.name}[:, ::2]']
        return out

    def expr_leaf(self, shape, d, store):
        return self.leaf(shape, store)

    UNARY = [
        (3, 'ops.sin({})'), (3, 'ops.tanh({})'), (2, 'ops.cos({})'), (2, 'ops.sigmoid({})'),
        (2, '({} * {})'), (1, '({} ** 2)'), (1, '(-{})'), (1, 'np.tanh({})'), (1, 'np.sin({})'),
        (1, 'ops.exp(ops.tanh({}))'), (1, 'ops.log(1.5 + {} * {})'), (1, 'ops.sqrt(1.0 + {} ** 2)'),
        (1, 'ops.square({})'), (1, '{}.sin()'), (1, 'ops.atan({})'), (1, 'ops.erf({})'),
        (1, 'ops.log1p({} * {})'), (1, 'ops.abs({})'), (1, 'ops.relu({})'), (0.7, 'np.exp(-{} * {})'),
        (0.7, 'ops.clip({}, -0.8, 0.9)'), (0.5, 'ops.softplus({})'), (0.5, 'ops.floor({})'),
        (0.3, '({} % 1.0)'), (0.5, 'ops.sinh(ops.tanh({}))'),
    ]

    def expr_unary(self, shape, d, store):
        template = self.pick(self.UNARY)
        if shape and self.chance(0.15):
            axis = self.rng.randint(-len(shape), len(shape) - 1)
            template = self.choice([f'ops.softmax({{}}, {axis})', f'ops.cumsum({{}}, {axis})',
                                    f'ops.flip({{}}, {axis})'])
        return template.replace('{}', self.tensor(shape, d - 1))

    def broadcast_operand(self, shape, d):
        """An expression whose shape broadcasts to `shape` without growing it."""
        forms = [(6, 'same'), (2, 'scalar')]
        if len(shape) == 2:
            forms += [(2, 'row'), (1.5, 'col'), (0.7, 'row1')]
        kind = self.pick(forms)
        if kind == 'same':
            return self.tensor(shape, d)
        if kind == 'scalar':
            return self.tensor((), d)
        if kind == 'row':
            return self.tensor(shape[1:], d)
        if kind == 'row1':
            return f'{self.tensor(shape[1:], d, store=True)}[None]'
        return f'{self.tensor(shape[:1], d, store=True)}[:, None]'

    def expr_binary(self, shape, d, store):
        op = self.pick([(4, '+'), (3, '*'), (3, '-'), (1, 'max'), (1, 'min'), (1.5, '/'),
                        (0.5, 'ops.add'), (0.5, 'np.maximum'), (0.5, 'ops.mul')])
        a = self.tensor(shape, d - 1)
        b = self.broadcast_operand(shape, d - 1)
        if self.chance(0.3):
            a, b = b, a
        if op == '/':
            return f'({a} / (1.5 + {b} * {b}))' if b.isidentifier() or self.chance(0.5) else \
                f'({a} / (2.0 + ops.cos({b})))'
        if op == 'max':
            return f'ops.maximum({a}, {b})'
        if op == 'min':
            return f'ops.minimum({a}, {b})'
        if op in ('ops.add', 'np.maximum', 'ops.mul'):
            return f'{op}({a}, {b})'
        return f'({a} {op} {b})'

    def scalar(self):
        """A Python number: a constant, a float variable, alpha, an int."""
        options = [(4, fmt(self.const()))]
        options += [(2, v.name) for v in self.visible(lambda v: v.kind == 'float')]
        options += [(1, v.name) for v in self.visible(lambda v: v.kind in ('int', 'pyint'))]
        if self.alpha:
            options.append((1, 'alpha'))
        return self.pick(options)

    def expr_scalar_mix(self, shape, d, store):
        e = self.tensor(shape, d - 1)
        s = self.scalar()
        form = self.pick([(3, '({s} * {e})'), (3, '({e} + {s})'), (2, '({e} - {s})'),
                          (1, '({s} - {e})'), (1, '({e} * {s})'), (1, '({e} / (2.0 + {s} * {s}))'),
                          (0.5, '({e} ** 3)'), (0.5, '({s} / (1.5 + {e} * {e}))')])
        return form.format(e=e, s=s)

    def expr_reduce(self, shape, d, store):
        if shape == ():
            src = self.some_shape() or self.choice(SHAPES[1:])
            e = self.tensor(src, d - 1)
            return self.pick([(3, f'ops.sum({e})'), (2, f'ops.mean({e})'), (1, f'{self.paren(e)}.sum()'),
                              (1, f'np.sum({e})'), (1, f'ops.amax({e})'), (0.5, f'ops.amin({e})'),
                              (0.5, f'{self.paren(e)}.mean()'), (0.5, f'ops.norm({e})'),
                              (0.3, f'ops.std({e})'), (0.5, f'ops.logsumexp({e}, 0)' if len(src) == 1 else f'ops.sum({e})'),
                              (0.3, f'np.mean({e})')])
        if len(shape) == 1:
            k = shape[0]
            other = self.dim(lambda j: [(k, j), (j, k)])
            if self.chance(0.5):
                e, axis = self.tensor((k, other), d - 1), self.choice(['1', '-1', 'axis=1'])
            else:
                e, axis = self.tensor((other, k), d - 1), self.choice(['0', 'axis=0'])
            return self.pick([(3, f'ops.sum({e}, {axis})'), (2, f'ops.mean({e}, {axis})'),
                              (1, f'{self.paren(e)}.sum({axis})'), (1, f'np.sum({e}, {axis})'),
                              (1, f'ops.amax({e}, {axis})'), (0.5, f'ops.logsumexp({e}, {axis})'),
                              (0.5, f'np.mean({e}, {axis})')])
        # a 2-D result: reduce nothing, keep dims of a reduction, or an outer product
        r, c = shape
        return self.pick([
            (1, f'(ops.sum({self.tensor(shape, d - 1)}, 1, keepdims=True) * {self.tensor(shape, d - 1)})'),
            (1, f'ops.outer({self.tensor((r,), d - 1)}, {self.tensor((c,), d - 1)})'),
            (1, f'({self.tensor(shape, d - 1)} - ops.mean({self.tensor(shape, d - 1)}, 0, keepdims=True))'),
        ])

    @staticmethod
    def paren(e):
        return e if e.isidentifier() or e.startswith('(') and e.endswith(')') else f'({e})'

    def expr_matmul(self, shape, d, store):
        if shape == ():
            k = self.dim(lambda j: [(j,)])
        elif len(shape) == 1:
            k = self.dim(lambda j: [shape + (j,), (j,) + shape, (j,)])
        else:
            k = self.dim(lambda j: [(shape[0], j), (j, shape[1])])
        form = self.pick([(3, '({a} @ {b})'), (1, 'ops.matmul({a}, {b})'), (1, 'np.dot({a}, {b})')])
        if shape == ():
            a, b = self.tensor((k,), d - 1), self.tensor((k,), d - 1)
        elif len(shape) == 1:
            if self.chance(0.5):
                a, b = self.tensor(shape + (k,), d - 1), self.tensor((k,), d - 1)
            else:
                a, b = self.tensor((k,), d - 1), self.tensor((k,) + shape, d - 1)
        else:
            a, b = self.tensor((shape[0], k), d - 1), self.tensor((k, shape[1]), d - 1)
        out = form.format(a=a, b=b)
        # keep products from growing: scale by 1/k
        return f'({out} * {fmt(round(1.0 / k, 3))})' if self.chance(0.5) else out

    def expr_view(self, shape, d, store):
        views = self.views(shape, store)
        if views:
            return self.choice(views)
        if len(shape) == 2 and shape[0] == 1 or len(shape) == 2 and shape[1] == 1:
            return None
        # a view of a computed value: slice something bigger
        if len(shape) == 1:
            n = shape[0] + 1 if shape[0] + 1 in DIMS else None
            if n:
                return f'{self.paren(self.tensor((n,), d - 1))}[1:]'
            return f'{self.paren(self.tensor(shape, d - 1))}[::-1]'
        if shape == ():
            n = self.choice(DIMS)
            return f'{self.paren(self.tensor((n,), d - 1))}[{self.rng.randint(0, n - 1)}]'
        return f'{self.paren(self.tensor(shape[::-1], d - 1))}.T'

    def expr_index(self, shape, d, store):
        """x[i] and friends, with a loop index i."""
        options = []
        for i in self.loop_indices():
            for v in self.tensors(store=store):
                s = v.shape
                if len(s) >= 1 and s[1:] == shape and s[0] >= i.bound:
                    options.append(f'{v.name}[{i.name}]')
                    if s[0] > i.bound:
                        options.append(f'{v.name}[{i.name} + 1]')
                    options.append(f'{v.name}[{i.name} - 1]' if i.bound >= 1 else f'{v.name}[{i.name}]')
                if len(s) == 2 and (s[0],) == shape and s[1] >= i.bound:
                    options.append(f'{v.name}[:, {i.name}]')
        return self.choice(options) if options else None

    def expr_call(self, shape, d, store):
        funcs = self.visible(lambda v: v.kind == 'func' and shape in v.returns)
        polys = self.visible(lambda v: v.kind == 'poly')
        options = [(2, f) for f in funcs] + [(1, p) for p in polys]
        if not options:
            return None
        f = self.pick(options)
        if f.kind == 'poly':
            return f'{f.name}({self.tensor(shape, d - 1, store=True)})'
        args = [self.tensor(p, d - 1, store=True) for p in f.params]
        if f.defaults and self.chance(0.5):
            args.append(self.choice([fmt(self.const(0, 1)), f'scale={fmt(self.const(0, 1))}']))
        call = f'{f.name}({", ".join(args)})'
        if len(f.returns) == 1:
            return call
        return f'{call}[{f.returns.index(shape)}]'

    def expr_where(self, shape, d, store):
        c = self.tensor(shape, d - 1)
        return f'ops.where({c} > {fmt(self.const(-1, 1))}, {self.tensor(shape, d - 1)}, ' \
               f'{self.broadcast_operand(shape, d - 1)})'

    def expr_ternary(self, shape, d, store):
        return f'({self.tensor(shape, d - 1, store)} if {self.runtime_cond(d - 1)} else ' \
               f'{self.tensor(shape, d - 1, store)})'

    def expr_reshape(self, shape, d, store):
        size = math.prod(shape)
        options = [s for s in SHAPES if math.prod(s) == size and s != shape and s]
        if not shape or not options:
            return None
        src = self.choice(options)
        e = self.tensor(src, d - 1, store)
        return self.choice([f'{self.paren(e)}.reshape({shape})', f'ops.reshape({e}, {shape})',
                            f'np.reshape({e}, {shape})'])

    def expr_container(self, shape, d, store):
        options = []
        for v in self.visible(lambda v: v.kind in ('tuple', 'list')):
            for j, s in enumerate(v.shapes):
                if s == shape:
                    options.append(f'{v.name}[{self.choice([j, j - len(v.shapes)])}]')
        for v in self.visible(lambda v: v.kind == 'dict'):
            for key, s in v.shapes:
                if s == shape:
                    options.append(f'{v.name}[{key!r}]')
        return self.choice(options) if options else None

    # ------------------------------------------------------------ conditions
    def runtime_cond(self, d):
        form = self.pick([(5, 'cmp'), (1, 'and'), (1, 'or'), (1, 'not'), (1, 'two'),
                          (0.5, 'chain')])
        if form == 'cmp':
            return f'{self.tensor((), d)} {self.choice(["<", ">", "<=", ">="])} {fmt(self.const())}'
        if form == 'two':
            return f'{self.tensor((), d)} {self.choice(["<", ">"])} {self.tensor((), d)}'
        if form == 'chain':
            lo = self.const(-2, 0)
            return f'{fmt(lo)} < {self.tensor((), d)} < {fmt(lo + self.const(0.5, 2.5))}'
        if form == 'not':
            return f'not {self.tensor((), d)} > {fmt(self.const())}'
        a = f'{self.tensor((), d)} > {fmt(self.const())}'
        b = f'{self.tensor((), d)} < {fmt(self.const())}'
        return f'({a}) {form} ({b})'

    def static_cond(self):
        options = []
        for v in self.tensors():
            if v.shape:
                options.append((1, f'{v.name}.shape[0] > {self.choice(DIMS)}'))
        for v in self.visible(lambda v: v.kind == 'list'):
            options.append((1, f'len({v.name}) > {self.rng.randint(1, 3)}'))
        for v in self.visible(lambda v: v.kind == 'int'):
            options.append((1, f'{v.name} >= {self.rng.randint(1, 4)}'))
        for v in self.visible(lambda v: v.kind == 'float'):
            options.append((0.5, f'{v.name} > {fmt(self.const())}'))
        if self.alpha:
            options.append((0.5, f'alpha > {fmt(self.const(0, 1))}'))
        if not options:
            return 'True'
        return self.pick(options)

    # ------------------------------------------------------------ statements
    def line(self, text):
        return '    ' * self.indent + text

    def block(self, n, d, exits=()):
        """Statements of a nested block, in a scope of its own; `exits` may end it."""
        self.scopes.append(Scope())
        self.indent += 1
        lines = self.statements(n, d)
        exit_line = self.exit_statement(exits) if exits else None
        if exit_line:
            lines.append(self.line(exit_line))
        self.indent -= 1
        self.scopes.pop()
        return lines or [self.line('    pass')]

    def statements(self, n, d):
        lines = []
        for _ in range(n):
            lines += self.statement(d)
        return lines

    def statement(self, d):
        frame = self.frames[-1]
        in_loop = bool(frame.loops)
        compound = d > 0
        kind = self.pick([
            (6, 'assign'), (3, 'reassign'), (2, 'augment'), (1, 'float'), (1, 'buffer'),
            (1.5, 'setitem'), (1, 'container'), (0.8, 'container_update'), (0.7, 'unpack'),
            (4 * compound, 'if'), (1 * compound, 'static_if'), (2.5 * compound, 'for'),
            (1.2 * compound, 'while'), (1 * in_loop, 'exit_if'),
            (0.5 * (compound and len(self.frames) == 1 and self.indent == 1), 'closure'),
        ])
        out = getattr(self, 'stmt_' + kind)(d)
        return out if out is not None else self.stmt_assign(d)

    def stmt_assign(self, d):
        shape = self.some_shape()
        name = self.fresh('v')
        e = self.tensor(shape, self.rng.randint(1, 3), store=True)
        self.define(Var(name, 'tensor', shape))
        return [self.line(f'{name} = {e}')]

    def stmt_reassign(self, d):
        targets = self.assignable(lambda v: v.kind == 'tensor')
        if not targets:
            return None
        v = self.choice(targets)
        e = self.tensor(v.shape, self.rng.randint(1, 3), store=True)
        if v.buffer:   # a new array of its own: nothing else may see it
            e = f'({e} * 1.0)'
        return [self.line(f'{v.name} = {e}')]

    def stmt_augment(self, d):
        targets = self.assignable(lambda v: v.kind in ('tensor', 'float'))
        if not targets:
            return None
        v = self.choice(targets)
        if v.kind == 'float':
            return [self.line(f'{v.name} {self.choice(["+=", "*=", "-="])} {fmt(self.const(0, 1))}')]
        op = self.pick([(3, '+='), (2, '-='), (2, '*='), (1, '/=')])
        e = self.broadcast_operand(v.shape, self.rng.randint(0, 2))
        if op == '/=':
            e = f'(1.5 + {self.paren(e)} ** 2)'
        return [self.line(f'{v.name} {op} {e}')]

    def stmt_float(self, d):
        floats = self.assignable(lambda v: v.kind == 'float')
        new = not floats or self.chance(0.4)
        name = self.fresh('s') if new else self.choice(floats).name
        form = self.pick([(3, 'const'), (2, 'update'), (1, 'choose')])
        others = self.visible(lambda v: v.kind == 'float' and v.name != name)
        if form == 'const':
            line = f'{name} = {fmt(self.const())}'
        elif form == 'update' and others:
            other = self.choice(others).name
            line = f'{name} = {other} * {fmt(self.const(0, 1))} + {fmt(self.const())}'
        else:
            line = f'{name} = {fmt(self.const())} if {self.runtime_cond(1)} else {fmt(self.const())}'
        if new:
            self.define(Var(name, 'float'))
        return [self.line(line)]

    def stmt_buffer(self, d):
        shape = self.choice([s for s in SHAPES if s])
        name = self.fresh('b')
        form = self.pick([(2, 'zeros'), (2, 'computed'), (1, 'zeros_like')])
        if form == 'zeros':
            e = f'ops.zeros({shape}, float64)'
        elif form == 'zeros_like' and self.tensors(shape):
            e = f'ops.zeros_like({self.choice(self.tensors(shape)).name})'
        else:
            e = f'({self.tensor(shape, 2)} * 1.0)'
        self.define(Var(name, 'tensor', shape, buffer=True))
        return [self.line(f'{name} = {e}')]

    def stmt_setitem(self, d):
        buffers = self.assignable(lambda v: v.kind == 'tensor' and v.buffer)
        if not buffers:
            return None
        b = self.choice(buffers)
        s = b.shape
        options = [(2, (f'{self.rng.randint(-s[0], s[0] - 1)}', s[1:]))]
        for i in self.loop_indices():
            if i.bound <= s[0]:
                options.append((4, (i.name, s[1:])))
        options.append((1, ('1:', (s[0] - 1,) + s[1:])))
        options.append((1, ('::2', ((s[0] + 1) // 2,) + s[1:])))
        if len(s) == 2:
            options.append((1, (f':, {self.rng.randint(0, s[1] - 1)}', (s[0],))))
            options.append((1, (f'{self.rng.randint(0, s[0] - 1)}, {self.rng.randint(0, s[1] - 1)}', ())))
        index, shape = self.pick(options)
        value = self.tensor(shape, self.rng.randint(0, 2)) if self.chance(0.8) else self.tensor((), 1)
        op = self.pick([(4, '='), (1, '+='), (0.5, '*=')])
        return [self.line(f'{b.name}[{index}] {op} {value}')]

    def stmt_container(self, d):
        kind = self.pick([(2, 'tuple'), (1.5, 'list'), (1.5, 'dict')])
        k = self.rng.randint(1, 3)
        shapes = tuple(self.choice(SHAPES) for _ in range(k))
        if self.chance(0.4):
            shapes = (shapes[0],) * k
        elems = [self.tensor(s, self.rng.randint(0, 2), store=True) for s in shapes]
        name = self.fresh({'tuple': 't', 'list': 'l', 'dict': 'm'}[kind])
        if kind == 'tuple':
            text = f'({", ".join(elems)},)' if k == 1 else f'({", ".join(elems)})'
            self.define(Var(name, 'tuple', shapes=shapes))
        elif kind == 'list':
            text = f'[{", ".join(elems)}]'
            self.define(Var(name, 'list', shapes=shapes))
        else:
            keys = DICT_KEYS[:k]
            text = '{' + ', '.join(f'{key!r}: {e}' for key, e in zip(keys, elems)) + '}'
            self.define(Var(name, 'dict', shapes=tuple(zip(keys, shapes))))
        return [self.line(f'{name} = {text}')]

    def stmt_container_update(self, d):
        # a list may grow only where it was made (a run-time block cannot grow it)
        here = [v for v in self.scopes[-1].vars.values() if v.kind == 'list']
        others = self.assignable(lambda v: v.kind in ('tuple', 'list', 'dict'))
        if here and self.chance(0.4):
            v = self.choice(here)
            shape = self.choice(v.shapes) if self.chance(0.7) else self.choice(SHAPES)
            v.shapes = v.shapes + (shape,)
            return [self.line(f'{v.name}.append({self.tensor(shape, 1, store=True)})')]
        if not others:
            return None
        v = self.choice(others)
        if v.kind == 'tuple':
            elems = [self.tensor(s, 1, store=True) for s in v.shapes]
            text = f'({", ".join(elems)},)' if len(elems) == 1 else f'({", ".join(elems)})'
            return [self.line(f'{v.name} = {text}')]
        if v.kind == 'list':
            j = self.rng.randint(0, len(v.shapes) - 1)
            return [self.line(f'{v.name}[{j}] = {self.tensor(v.shapes[j], 1, store=True)}')]
        key, shape = self.choice(v.shapes)
        return [self.line(f'{v.name}[{key!r}] = {self.tensor(shape, 1, store=True)}')]

    def stmt_unpack(self, d):
        tuples = [f for f in self.visible(lambda v: v.kind == 'func' and len(v.returns) > 1)]
        names = []
        if tuples and self.chance(0.5):
            f = self.choice(tuples)
            args = [self.tensor(p, 1, store=True) for p in f.params]
            rhs, shapes = f'{f.name}({", ".join(args)})', f.returns
        elif self.visible(lambda v: v.kind == 'tuple' and len(v.shapes) > 1) and self.chance(0.5):
            t = self.choice(self.visible(lambda v: v.kind == 'tuple' and len(v.shapes) > 1))
            rhs, shapes = t.name, t.shapes
        else:
            shapes = (self.choice(SHAPES), self.choice(SHAPES))
            rhs = ', '.join(self.tensor(s, 1, store=True) for s in shapes)
        for s in shapes:
            name = self.fresh('v')
            names.append(name)
        for name, s in zip(names, shapes):
            self.define(Var(name, 'tensor', s))
        return [self.line(f'{", ".join(names)} = {rhs}')]

    def exit_statement(self, exits):
        """An exit (break/continue/return) allowed by `exits`, or None."""
        e = self.pick([(3, None)] + [(2, e) for e in exits])
        return self.return_line() if e == 'return' else e

    def return_line(self):
        shapes = self.frames[-1].returns
        values = [self.tensor(s, self.rng.randint(1, 3), store=True) for s in shapes]
        return f'return {", ".join(values)}'

    def exits_here(self):
        frame = self.frames[-1]
        if self.in_static_while() and self.chance(0.9):
            # an exit under a Tensor condition in a `while` on a Python int is refused (a
            # known limitation): only now and then
            return []
        exits = ['return']
        if frame.loops:
            exits += ['break', 'continue']
        return exits

    def in_static_while(self):
        loops = self.frames[-1].loops
        return bool(loops) and loops[-1] == 'static_while'

    def exit_cond(self):
        """The condition of an `if` that exits a loop."""
        if self.in_static_while():
            return self.static_cond() if self.chance(0.9) else self.runtime_cond(1)
        return self.runtime_cond(1) if self.chance(0.85) else self.static_cond()

    def stmt_exit_if(self, d):
        """if <cond>: [stmts]; break/continue/return."""
        exits = ['return'] + (['break', 'continue'] if self.frames[-1].loops else [])
        e = self.choice(exits)
        lines = [self.line(f'if {self.exit_cond()}:')]
        body = self.block(self.rng.randint(0, 1), 0)
        body = [] if body == [self.line('    pass')] else body
        self.indent += 1
        body.append(self.line(self.return_line() if e == 'return' else e))
        self.indent -= 1
        return lines + body

    def stmt_if(self, d):
        exits = self.exits_here() if self.chance(0.5) else ()
        cond = self.runtime_cond(self.rng.randint(1, 2))
        joins = [Var(self.fresh('v'), 'tensor', self.choice(SHAPES))
                 for _ in range(self.pick([(3, 0), (2, 1), (1, 2)]))]
        lines = [self.line(f'if {cond}:')]
        body, falls_through = self.branch(d, exits, joins)
        lines += body
        while self.chance(0.2):
            lines.append(self.line(f'elif {self.runtime_cond(1)}:'))
            body, falls = self.branch(d, exits, joins)
            lines += body
            falls_through |= falls
        if joins or self.chance(0.5):
            lines.append(self.line('else:'))
            body, falls = self.branch(d, exits, joins)
            lines += body
            falls_through |= falls
        else:
            falls_through = True
        if falls_through:   # else what follows is dead code (where a name may be unbound)
            for v in joins:
                self.define(v)
        return lines

    def branch(self, d, exits, joins):
        """One branch of an if: statements, then an exit or the values of `joins`."""
        n = self.rng.randint(1, max(1, int(3 * self.size)))
        self.scopes.append(Scope())
        self.indent += 1
        lines = self.statements(n, d - 1)
        exit_line = self.exit_statement(exits) if exits else None
        if exit_line is None:
            for v in joins:
                lines.append(self.line(f'{v.name} = {self.tensor(v.shape, 2, store=True)}'))
        else:
            lines.append(self.line(exit_line))
        self.indent -= 1
        self.scopes.pop()
        return lines or [self.line('    pass')], exit_line is None

    def stmt_static_if(self, d):
        lines = [self.line(f'if {self.static_cond()}:')]
        lines += self.block(self.rng.randint(1, 2), d - 1, self.exits_here() if self.chance(0.3) else ())
        if self.chance(0.5):
            lines.append(self.line('else:'))
            lines += self.block(self.rng.randint(1, 2), d - 1)
        return lines

    def loop_body(self, d, kind, defs, counter=None):
        """The body of a loop: `defs` (loop variables) in its scope, a counter update first."""
        frame = self.frames[-1]
        frame.loops.append(kind)
        self.scopes.append(Scope())
        for v in defs:
            self.define(v)
        self.indent += 1
        lines = [self.line(counter)] if counter else []
        n = self.rng.randint(1, max(1, int(3 * self.size)))
        lines += self.statements(n, d - 1)
        if self.chance(0.5):
            exit_kind = self.choice(['break', 'continue', 'return'])
            lines.append(self.line(f'if {self.exit_cond()}:'))
            self.indent += 1
            self.scopes.append(Scope())
            lines += self.statements(self.rng.randint(0, 1), 0)
            lines.append(self.line(self.return_line() if exit_kind == 'return' else exit_kind))
            self.scopes.pop()
            self.indent -= 1
            if self.chance(0.5):
                lines += self.statements(1, 0)
        self.indent -= 1
        self.scopes.pop()
        frame.loops.pop()
        return lines

    def loop_else(self, d):
        if not self.chance(0.15):
            return []
        return [self.line('else:')] + self.block(1, 0)

    def stmt_for(self, d):
        form = self.pick([(3, 'range'), (2, 'range_n' if self.n_value else 'range'),
                          (3, 'rows'), (1.5, 'enumerate'), (1, 'zip'), (1, 'floats'),
                          (1, 'container')])
        index = None
        if form == 'range':
            k = self.rng.randint(1, 4)
            ints = self.visible(lambda v: v.kind == 'int')
            if ints and self.chance(0.3):
                kv = self.choice(ints)
                header, k = f'for {{i}} in range({kv.name}):', kv.bound
            else:
                header = self.choice([f'for {{i}} in range({k}):', f'for {{i}} in range(0, {k}):'])
            index = Var(self.fresh('i'), 'index', bound=k)
            return self.for_loop(header.format(i=index.name), d, 'static', [index])
        if form == 'range_n':
            index = Var(self.fresh('i'), 'index', bound=self.n_value)
            return self.for_loop(f'for {index.name} in range(n):', d, 'runtime', [index])
        if form in ('rows', 'enumerate', 'zip'):
            shape = self.choice([s for s in SHAPES if s])
            it = self.tensor(shape, self.rng.randint(0, 1), store=True)
            row = Var(self.fresh('r'), 'tensor', shape[1:])
            if form == 'rows':
                return self.for_loop(f'for {row.name} in {it}:', d, 'runtime', [row])
            if form == 'enumerate':
                index = Var(self.fresh('i'), 'index', bound=shape[0])
                return self.for_loop(f'for {index.name}, {row.name} in enumerate({it}):', d, 'runtime',
                                     [index, row])
            other = (self.choice(DIMS),) + shape[1:] if self.chance(0.3) else shape
            it2 = self.tensor(other, 0, store=True)
            row2 = Var(self.fresh('r'), 'tensor', other[1:])
            return self.for_loop(f'for {row.name}, {row2.name} in zip({it}, {it2}):', d, 'runtime',
                                 [row, row2])
        if form == 'floats':
            c = Var(self.fresh('c'), 'float')
            values = ', '.join(fmt(self.const()) for _ in range(self.rng.randint(1, 3)))
            return self.for_loop(f'for {c.name} in ({values},):', d, 'static', [c])
        containers = self.visible(lambda v: v.kind in ('tuple', 'list', 'dict') and len(
            set(v.shapes if v.kind != 'dict' else [s for _, s in v.shapes])) == 1)
        if not containers:
            return None
        v = self.choice(containers)
        e = Var(self.fresh('e'), 'tensor', v.shapes[0] if v.kind != 'dict' else v.shapes[0][1])
        if v.kind == 'dict':
            if self.chance(0.5):
                key = self.fresh('key')
                return self.for_loop(f'for {key}, {e.name} in {v.name}.items():', d, 'static', [e])
            return self.for_loop(f'for {e.name} in {v.name}.values():', d, 'static', [e])
        return self.for_loop(f'for {e.name} in {v.name}:', d, 'static', [e])

    def for_loop(self, header, d, kind, defs):
        lines = [self.line(header)] + self.loop_body(d, kind, defs)
        return lines + self.loop_else(d)

    def stmt_while(self, d):
        if self.chance(0.75):
            k = self.fresh('k')
            base = self.choice(self.tensors())
            start = f'ops.sum({base.name}) * 0.0' if base.shape else f'{base.name} * 0.0'
            limit = self.rng.randint(1, 4)
            cond = f'{k} < {float(limit)}'
            if self.chance(0.4):
                extra = f'{self.tensor((), 1)} {self.choice(["<", ">"])} {fmt(self.const())}'
                cond = f'{cond} and {extra}' if self.chance(0.5) else f'{extra} and {cond}'
            counter = Var(k, 'tensor', (), frozen=True)
            self.define(counter)
            lines = [self.line(f'{k} = {start}'), self.line(f'while {cond}:')]
            lines += self.loop_body(d, 'runtime', [], counter=f'{k} = {k} + 1.0')
        else:
            j = self.fresh('j')
            limit = self.rng.randint(1, 3)
            self.define(Var(j, 'pyint', frozen=True))
            lines = [self.line(f'{j} = 0'), self.line(f'while {j} < {limit}:')]
            lines += self.loop_body(d, 'static_while', [], counter=f'{j} += 1')
        return lines + self.loop_else(d)

    def stmt_closure(self, d):
        if self.chance(0.5):
            name = self.fresh('g')
            body = self.pick([(1, 'ops.tanh(a) * 0.5'), (1, 'a * a + 0.25'), (1, 'ops.sin(a) - a * 0.5')])
            outer = self.visible(lambda v: v.kind == 'float')
            if outer and self.chance(0.5):
                body = f'{body} * {self.choice(outer).name}'
            self.define(Var(name, 'poly'))
            return [self.line(f'{name} = lambda a: {body}')]
        params = tuple(self.choice(SHAPES) for _ in range(self.rng.randint(1, 2)))
        returns = (self.choice(SHAPES),)
        name = self.fresh('c')
        lines = self.function(name, params, returns, nested=True)
        self.define(Var(name, 'func', params=params, returns=returns))
        return lines

    # ------------------------------------------------------------ functions
    def function(self, name, params, returns, nested=False, defaults=0, extra_params=()):
        """Source lines of `def name(...)`; at module level unless nested (a closure)."""
        saved_indent = self.indent
        saved_readonly = [scope.readonly for scope in self.scopes]
        if nested:
            for scope in self.scopes:
                scope.readonly = True
        else:
            saved_scopes, self.scopes = self.scopes, [self.scopes[0]]
            self.indent = 0
        pnames = [f'{"p" if nested else "a"}{k}' for k in range(len(params))]
        scope = Scope()
        for pname, shape in zip(pnames, params):
            scope.vars[pname] = Var(pname, 'tensor', shape)
        sig = pnames + list(extra_params)
        if defaults:
            scope.vars['scale'] = Var('scale', 'float')
            sig.append('scale=0.5')
        self.scopes.append(scope)
        self.frames.append(Frame(returns))
        header = self.line(f'def {name}({", ".join(sig)}):')
        self.indent += 1
        n = self.rng.randint(1, max(1, int(4 * self.size)))
        body = self.statements(n, 1 if nested else 2)
        body.append(self.line(self.return_line()))
        self.indent -= 1
        self.frames.pop()
        self.scopes.pop()
        if nested:
            for scope, readonly in zip(self.scopes, saved_readonly):
                scope.readonly = readonly
        else:
            self.scopes = saved_scopes
        self.indent = saved_indent
        return [header] + body

    def program(self):
        module = Scope(readonly=True)
        self.scopes = [module]
        globals_lines = []
        if self.chance(0.2):
            shape = self.choice([s for s in SHAPES if s])
            data = np.round(np.random.default_rng(self.rng.randint(0, 10**6)).uniform(-1, 1, shape), 2)
            globals_lines.append(f'G0 = Tensor(np.array({data.tolist()!r}))')
            module.vars['G0'] = Var('G0', 'tensor', shape, frozen=True)
        # helpers, each may call the ones before it
        helper_lines = []
        for _ in range(self.pick([(2, 0), (2, 1), (1, 2)])):
            name = self.fresh('h')
            params = tuple(self.choice(SHAPES) for _ in range(self.rng.randint(1, 3)))
            k = self.pick([(3, 1), (1, 2)])
            returns = tuple(self.choice(SHAPES) for _ in range(k))
            defaults = int(self.chance(0.4))
            helper_lines += self.function(name, params, returns, defaults=defaults) + ['', '']
            module.vars[name] = Var(name, 'func', params=params, returns=returns, defaults=defaults)
        # f's arguments
        shapes = [self.choice(SHAPES[1:]) if k == 0 or self.chance(0.8) else ()
                  for k in range(self.rng.randint(1, 3))]
        scope = Scope()
        names = []
        args = []
        np_rng_seed = self.rng.randint(0, 2**31)
        for k, s in enumerate(shapes):
            names.append(f'x{k}')
            scope.vars[f'x{k}'] = Var(f'x{k}', 'tensor', s)
        positions = tuple(range(len(shapes)))
        if self.chance(0.35):
            self.n_value = self.rng.randint(1, 3)
            names.append('n')
            scope.vars['n'] = Var('n', 'tensor_int', frozen=True)
        if self.chance(0.25):
            self.alpha = True
            names.append('alpha')
        returns = tuple(self.choice(SHAPES) if k else self.pick([(3, ()), (1, self.choice(SHAPES))])
                        for k in range(self.pick([(4, 1), (1, 2)])))
        self.scopes.append(scope)
        self.frames.append(Frame(returns))
        self.indent = 1
        body = []
        if self.chance(0.2):
            kname = self.fresh('K')
            kval = self.rng.randint(1, 4)
            body.append(self.line(f'{kname} = {kval}'))
            self.define(Var(kname, 'int', frozen=True, bound=kval))
        n = self.rng.randint(2, max(2, int(7 * self.size)))
        body += self.statements(n, 2 if self.chance(0.3) else 3)
        body.append(self.line(self.return_line()))
        header = f'def f({", ".join(names)}):'
        source = '\n'.join(['import numpy as np', '', 'import autograph',
                            'from autograph import Tensor, float64, ops', '', ''] +
                           (globals_lines + ['', ''] if globals_lines else []) +
                           helper_lines + [header] + body) + '\n'
        data_rng = np.random.default_rng(np_rng_seed)
        for s in shapes:
            args.append(data_rng.uniform(-1.2, 1.2, s))
        if self.n_value:
            args.append(np.array(self.n_value))
        if self.alpha:
            args.append(round(float(data_rng.uniform(0.1, 1.0)), 3))
        positions = tuple(k for k in positions if self.chance(0.75)) or (0,)
        return Program(source, args, positions, returns)


def generate(rng, size=1.0):
    """One random program from `rng` (random.Random's interface)."""
    return Generator(rng, size).program()
