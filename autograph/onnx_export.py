"""An ONNX model from autograph's IR: the forward graph of a Cell (or function) compiled for
example inputs, with its Parameters as initializers and the shapes of the example inputs fixed.

`to_onnx(fn, *inputs)` compiles `fn` with jit, then writes each op of the optimised graph as ONNX
nodes: a table maps each primitive to a builder of nodes (`_RULES`), a primitive applied to
constants only is folded with its NumPy kernel. Control flow on Tensors keeps its structure: a
`for_range` loop (an LSTM's time loop) becomes an ONNX `Loop` with a trip count, a `while_loop` a
`Loop` driven by its test, a `cond` an `If`; their bodies read the enclosing graph's values, as
ONNX allows. A primitive or construct with no rule is refused with a CompileError that names it
and the user's line.

Needs the `onnx` package (pip install 'autograph[onnx]'); nothing else in autograph imports it.
"""
import itertools

import numpy as np

from .api import jit
from .compiler import Compiled, Transformed
from .errors import CompileError
from .ir import Value
from .ir.control import Cond, ForRange, WhileLoop
from .tree import flatten

OPSET = 18
"""ReduceMean, ReduceMax... take their axes as an input from opset 18 on; onnxruntime runs it."""


def _onnx():
    try:
        import onnx
    except ImportError:
        raise ImportError("exporting to ONNX needs the onnx package: pip install 'autograph[onnx]' "
                          "(or pip install onnx onnxruntime)") from None
    return onnx


def compile_for(fn, inputs) -> Compiled:
    """The jit compilation of `fn` (a Cell, a function, or what jit returned) for `inputs`."""
    if not inputs:
        raise ValueError("export needs example inputs, to fix the shapes and dtypes of the model")
    jitted = fn if isinstance(fn, Transformed) else jit(fn)
    return jitted.compilation(tuple(inputs))


def to_onnx(fn, *inputs, name=None):
    """An onnx.ModelProto computing `fn(*inputs)` for inputs of these shapes and dtypes.

    Graph inputs are named after the function's parameters (`x`), outputs `output_0`, ...;
    Parameters the function reads are initializers named as the Parameters (`dense.weight`).

    Example (needs the onnx package):
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> from autograph.onnx_export import to_onnx
        >>> model = to_onnx(nn.Dense(3, 2), Tensor(np.ones((4, 3), np.float32)))  # doctest: +SKIP
        >>> [i.name for i in model.graph.input]                                      # doctest: +SKIP
        ['x']
    """
    onnx = _onnx()
    compiled = compile_for(fn, inputs)
    graph = compiled.graph
    writer = _Writer(onnx)
    arguments = len(graph.inputs) - len(compiled.implicit)
    graph_inputs = []
    for value in graph.inputs[:arguments]:
        graph_inputs.append(writer.value_info(value, writer.bind(value, value.name or 'input')))
    initializers = []
    for value, parameter in zip(graph.inputs[arguments:], compiled.implicit):
        label = getattr(parameter, 'name', None) or value.name or 'weight'
        array = np.asarray(parameter.asnumpy() if hasattr(parameter, 'asnumpy') else parameter)
        initializers.append(onnx.numpy_helper.from_array(array, writer.bind(value, label)))
    nodes = writer.ops(graph.ops)
    outputs = []
    for k, value in enumerate(v for v in flatten(graph.outputs) if isinstance(v, Value)):
        label = writer.fresh(f'output_{k}')
        nodes.append(writer.node('Identity', [writer.name(value)], [label]))
        outputs.append(writer.value_info(value, label))
    used = _inputs_read(nodes)
    constants = [c for c in writer.constants if c.name in used]     # a constant folded away
    onnx_graph = onnx.helper.make_graph(nodes, name or graph.name, graph_inputs, outputs,
                                        initializer=initializers + constants)
    model = onnx.helper.make_model(onnx_graph, producer_name='autograph',
                                   opset_imports=[onnx.helper.make_opsetid('', OPSET)])
    model.ir_version = min(model.ir_version, 10)   # what current onnxruntime releases read
    onnx.checker.check_model(model)
    return model


def _inputs_read(nodes):
    """The names that `nodes` and the graphs in their attributes (Loop and If bodies) read."""
    names = set()
    for node in nodes:
        names.update(node.input)
        for attribute in node.attribute:
            if attribute.HasField('g'):
                names |= _inputs_read(attribute.g.node)
    return names

class _Writer:
    """Names (one ONNX name per Value, unique across the model and its subgraphs), constants and
    nodes."""

    def __init__(self, onnx):
        self.onnx = onnx
        self.names = {}
        self.used = set()
        self.constants = []
        self.counter = itertools.count()

    def fresh(self, hint):
        base = hint.replace(' ', '_') or 'v'
        label = base
        while label in self.used:
            label = f'{base}_{next(self.counter)}'
        self.used.add(label)
        return label

    def bind(self, value, hint=None):
        label = self.fresh(hint or value.name or 'v')
        self.names[id(value)] = label
        return label

    def name(self, value, dtype=None):
        """The ONNX name of an operand; a constant becomes an initializer (a weak Python number
        in `dtype`, the dtype of the arrays it meets)."""
        if id(value) in self.names:
            return self.names[id(value)]
        if value.is_const:
            return self.constant(np.asarray(value.const, dtype=value.dtype or dtype))
        raise CompileError(f"ONNX export: a value ({value}) is used before it is defined")

    def constant(self, array, hint='const'):
        label = self.fresh(hint)
        self.constants.append(self.onnx.numpy_helper.from_array(np.asarray(array), label))
        return label

    def node(self, op_type, inputs, outputs, **attributes):
        return self.onnx.helper.make_node(op_type, inputs, outputs, **attributes)

    def value_info(self, value, label):
        dtype = self.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(value.dtype))
        return self.onnx.helper.make_tensor_value_info(label, dtype, list(value.shape))

    def ops(self, ops):
        nodes = []
        for op in ops:
            nodes.extend(self.op(op))
        return nodes

    def op(self, op):
        prim = op.prim
        if isinstance(prim, ForRange):
            return self.for_range(op)
        if isinstance(prim, WhileLoop):
            return self.while_loop(op)
        if isinstance(prim, Cond):
            return self.cond(op)
        if op.regions or getattr(prim, 'effect', False):
            raise _refused(op, f"the construct {prim.name!r}")
        rule = _RULES.get(prim.name)
        if all(v.is_const for v in op.inputs) and not getattr(prim, 'random', False) and \
                prim.kernel is not None:
            # Creation ops (zeros, full, eye, arange) and arithmetic on constants: computed here.
            array = prim.kernel(*(np.asarray(v.const, dtype=v.dtype) for v in op.inputs), **op.params)
            self.names[id(op.out)] = self.constant(np.asarray(array, dtype=op.out.dtype),
                                                   op.out.name or prim.name)
            return []
        if rule is None:
            raise _refused(op, f"the primitive {prim.name!r}")
        dtype = next((v.dtype for v in op.inputs if v.dtype is not None and not v.is_scalar_const),
                     op.out.dtype)
        inputs = [self.name(v, dtype) for v in op.inputs]
        out = self.bind(op.out, op.out.name or prim.name)
        emitted = rule(_Emit(self, out), inputs, op)
        return emitted

    def for_range(self, op):
        """`for i in range(start, stop, step)` carrying values: an ONNX Loop with a trip count;
        the body computes i from the iteration number."""
        loop = op.prim
        start, stop, step = loop.bounds(op)
        if op.params.get('saves'):
            raise _refused(op, "a loop that saves values for a gradient (export the forward only)")
        if not all(v.is_const for v in (start, stop, step)):
            raise _refused(op, "a for loop whose range is known only at run time")
        trips = len(range(int(start.const), int(stop.const), int(step.const)))
        onnx = self.onnx
        body = loop.body(op)
        index, *carried = body.args
        iteration = self.fresh('iteration')
        condition_in = self.fresh('cond_in')
        body_inputs = [onnx.helper.make_tensor_value_info(iteration, onnx.TensorProto.INT64, []),
                       onnx.helper.make_tensor_value_info(condition_in, onnx.TensorProto.BOOL, [])]
        body_inputs += [self.value_info(arg, self.bind(arg)) for arg in carried]
        step_const = self.constant(np.int64(step.const), 'step')
        start_const = self.constant(np.int64(start.const), 'start')
        scaled = self.fresh('scaled')
        index_name = self.bind(index, index.name or 'i')
        nodes = [self.node('Mul', [iteration, step_const], [scaled]),
                 self.node('Add', [scaled, start_const], [index_name])]
        nodes += self.ops(body.ops)
        condition_out = self.fresh('cond_out')
        nodes.append(self.node('Identity', [condition_in], [condition_out]))
        body_outputs = [onnx.helper.make_tensor_value_info(condition_out, onnx.TensorProto.BOOL, [])]
        for result in body.results[:len(carried)]:
            label = self.fresh((result.name or 'carried') + '_next')
            nodes.append(self.node('Identity', [self.name(result, result.dtype)], [label]))
            body_outputs.append(self.value_info(result, label))
        graph = onnx.helper.make_graph(nodes, self.fresh('loop_body'), body_inputs, body_outputs)
        inits = [self.name(v, a.dtype) for v, a in zip(loop.carried_inputs(op), carried)]
        outs = [self.bind(v) for v in op.outs]
        return [self.node('Loop', [self.constant(np.int64(trips), 'trips'), '', *inits], outs, body=graph)]


    def subgraph(self, hint, inputs, nodes, results):
        """A graph for a region: `results` (Values) become its outputs, through Identity nodes so
        that an output may also be an outer value or a constant."""
        outputs = []
        for result in results:
            label = self.fresh((result.name or 'result') + '_out')
            nodes.append(self.node('Identity', [self.name(result, result.dtype)], [label]))
            outputs.append(self.value_info(result, label))
        return self.onnx.helper.make_graph(nodes, self.fresh(hint), inputs, outputs)

    def cond(self, op):
        """`if` on a Tensor: ONNX If, each branch a graph without inputs."""
        then, orelse = op.regions
        branches = {f'{side}_branch': self.subgraph(f'{side}_branch', [], self.ops(region.ops), region.results)
                    for side, region in (('then', then), ('else', orelse))}
        predicate = self.name(op.inputs[0])
        if op.inputs[0].dtype != np.bool_:
            cast = self.fresh('predicate')
            nodes = [self.node('Cast', [predicate], [cast], to=self.onnx.TensorProto.BOOL)]
            predicate = cast
        else:
            nodes = []
        outs = [self.bind(v) for v in op.outs]
        return nodes + [self.node('If', [predicate], outs, **branches)]

    def while_loop(self, op):
        """`while test: body`: an ONNX Loop without a trip count. The test runs once on the
        initial values (outside) and again at the end of each iteration (inside)."""
        loop = op.prim
        if op.params.get('saves'):
            raise _refused(op, "a loop that saves values for a gradient (export the forward only)")
        test, body = loop.test(op), loop.body(op)
        inits = loop.carried_inputs(op)
        nodes = []
        for arg, init in zip(test.args, inits):
            self.names[id(arg)] = self.name(init, arg.dtype)
        nodes += self.ops(test.ops)
        first = self._truth(test.results[0], nodes)
        onnx = self.onnx
        iteration, condition_in = self.fresh('iteration'), self.fresh('cond_in')
        inputs = [onnx.helper.make_tensor_value_info(iteration, onnx.TensorProto.INT64, []),
                  onnx.helper.make_tensor_value_info(condition_in, onnx.TensorProto.BOOL, [])]
        inputs += [self.value_info(arg, self.bind(arg)) for arg in body.args]
        inner = self.ops(body.ops)
        carried = body.results[:len(body.args)]
        for arg, result in zip(test.args, carried):
            self.names[id(arg)] = self.name(result, arg.dtype)
        inner += self.ops(test.ops)
        condition_out = self._truth(test.results[0], inner)
        outputs = [onnx.helper.make_tensor_value_info(condition_out, onnx.TensorProto.BOOL, [])]
        for result in carried:
            label = self.fresh((result.name or 'carried') + '_next')
            inner.append(self.node('Identity', [self.name(result, result.dtype)], [label]))
            outputs.append(self.value_info(result, label))
        graph = onnx.helper.make_graph(inner, self.fresh('while_body'), inputs, outputs)
        outs = [self.bind(v) for v in op.outs]
        init_names = [self.name(v, a.dtype) for v, a in zip(inits, body.args)]
        return nodes + [self.node('Loop', ['', first, *init_names], outs, body=graph)]

    def _truth(self, value, nodes):
        """The name of `value` as an ONNX bool scalar (appending the nodes that make it)."""
        label = self.fresh('condition')
        source = self.name(value, np.bool_)
        if value.dtype == np.bool_ and value.shape == ():
            nodes.append(self.node('Identity', [source], [label]))
        else:
            flat = self.fresh('flat_condition')
            nodes += [self.node('Reshape', [source, self.constant(np.array([], np.int64), 'scalar_shape')], [flat]),
                      self.node('Cast', [flat], [label], to=self.onnx.TensorProto.BOOL)]
        return label

class _Emit:
    """What a rule writes with: `out` is the name of the op's result."""

    def __init__(self, writer, out):
        self.writer = writer
        self.out = out

    def node(self, op_type, inputs, outputs=None, **attributes):
        return self.writer.node(op_type, inputs, outputs or [self.out], **attributes)

    def temp(self, hint='t'):
        return self.writer.fresh(hint)

    def ints(self, values, hint='shape'):
        return self.writer.constant(np.asarray(values, dtype=np.int64), hint)

    def scalar(self, value, dtype, hint='c'):
        return self.writer.constant(np.asarray(value, dtype=dtype), hint)


def _refused(op, what):
    """The CompileError for an op with no ONNX spelling; it renders the user's line and a caret."""
    return CompileError(f"ONNX export does not support {what}; it writes the primitives "
                        f"{', '.join(sorted(_RULES))}, if statements, for and while loops", op.loc)


# ---------------------------------------------------------------- rules, one per primitive
_RULES = {}


def _one(op_type, **fixed):
    """A primitive that is one ONNX node with the same operands."""
    def rule(e, inputs, op):
        return [e.node(op_type, inputs, **fixed)]
    return rule


for _name, _type in {'add': 'Add', 'sub': 'Sub', 'mul': 'Mul', 'div': 'Div', 'pow': 'Pow',
                     'maximum': 'Max', 'minimum': 'Min', 'neg': 'Neg', 'abs': 'Abs', 'exp': 'Exp',
                     'log': 'Log', 'sqrt': 'Sqrt', 'reciprocal': 'Reciprocal', 'sin': 'Sin',
                     'cos': 'Cos', 'tan': 'Tan', 'asin': 'Asin', 'acos': 'Acos', 'atan': 'Atan',
                     'sinh': 'Sinh', 'cosh': 'Cosh', 'asinh': 'Asinh', 'tanh': 'Tanh',
                     'sigmoid': 'Sigmoid', 'relu': 'Relu', 'erf': 'Erf', 'floor': 'Floor',
                     'ceil': 'Ceil', 'sign': 'Sign', 'round': 'Round', 'equal': 'Equal',
                     'greater': 'Greater', 'less': 'Less', 'greater_equal': 'GreaterOrEqual',
                     'less_equal': 'LessOrEqual', 'logical_and': 'And', 'logical_or': 'Or',
                     'logical_xor': 'Xor', 'logical_not': 'Not', 'where': 'Where',
                     'matmul': 'MatMul', 'softsign': 'Softsign', 'stop_gradient': 'Identity',
                     'isnan': 'IsNaN'}.items():
    _RULES[_name] = _one(_type)


def _rule(*names):
    def register(fn):
        for name in names:
            _RULES[name] = fn
        return fn
    return register


def _chain(e, steps, inputs):
    """Nodes applying `steps` [(op_type, extra inputs, attributes)] one after another."""
    nodes, current = [], inputs
    for k, (op_type, extra, attributes) in enumerate(steps):
        target = e.out if k == len(steps) - 1 else e.temp(op_type.lower())
        nodes.append(e.node(op_type, list(current) + list(extra), [target], **attributes))
        current = [target]
    return nodes


@_rule('rsqrt')
def _rsqrt(e, inputs, op):
    return _chain(e, [('Sqrt', [], {}), ('Reciprocal', [], {})], inputs)


@_rule('square')
def _square(e, inputs, op):
    return [e.node('Mul', [inputs[0], inputs[0]])]


@_rule('not_equal')
def _not_equal(e, inputs, op):
    return _chain(e, [('Equal', [], {}), ('Not', [], {})], inputs)


@_rule('log1p')
def _log1p(e, inputs, op):
    return _chain(e, [('Add', [e.scalar(1, op.inputs[0].dtype)], {}), ('Log', [], {})], inputs)


@_rule('expm1')
def _expm1(e, inputs, op):
    return _chain(e, [('Exp', [], {}), ('Sub', [e.scalar(1, op.inputs[0].dtype)], {})], inputs)


@_rule('silu')
def _silu(e, inputs, op):
    s = e.temp('sigmoid')
    return [e.node('Sigmoid', inputs, [s]), e.node('Mul', [inputs[0], s])]


@_rule('leaky_relu')
def _leaky_relu(e, inputs, op):
    return [e.node('LeakyRelu', inputs, alpha=float(op.params.get('alpha', 0.2)))]


@_rule('elu')
def _elu(e, inputs, op):
    return [e.node('Elu', inputs, alpha=float(op.params.get('alpha', 1.0)))]


@_rule('relu6', 'hardtanh', 'clamp')
def _clip(e, inputs, op):
    dtype = op.out.dtype
    low, high = {'relu6': (0, 6), 'hardtanh': (op.params.get('min_val', -1.0), op.params.get('max_val', 1.0)),
                 'clamp': (op.params.get('min'), op.params.get('max'))}[op.prim.name]
    bounds = [e.scalar(b, dtype, 'bound') if b is not None else '' for b in (low, high)]
    return [e.node('Clip', [inputs[0], *bounds])]


@_rule('gelu')
def _gelu(e, inputs, op):
    """x (1 + erf(x / sqrt 2)) / 2, or the tanh formula: onnxruntime's Gelu needs opset 20."""
    x, dtype = inputs[0], op.inputs[0].dtype
    if op.params.get('approximate', 'none') == 'tanh':
        square, cube, scaled, inner, wide, t = (e.temp(n) for n in ('square', 'cube', 'scaled', 'inner', 'wide', 'tanh'))
        nodes = [e.node('Mul', [x, x], [square]), e.node('Mul', [square, x], [cube]),
                 e.node('Mul', [cube, e.scalar(0.044715, dtype)], [scaled]),
                 e.node('Add', [x, scaled], [inner]),
                 e.node('Mul', [inner, e.scalar(np.sqrt(2 / np.pi), dtype)], [wide]),
                 e.node('Tanh', [wide], [t])]
    else:
        scaled, t = e.temp('scaled'), e.temp('erf')
        nodes = [e.node('Mul', [x, e.scalar(1 / np.sqrt(2), dtype)], [scaled]), e.node('Erf', [scaled], [t])]
    one, half = e.temp('one_plus'), e.temp('half_x')
    return nodes + [e.node('Add', [t, e.scalar(1, dtype)], [one]),
                    e.node('Mul', [x, e.scalar(0.5, dtype)], [half]), e.node('Mul', [half, one])]


@_rule('softplus')
def _softplus(e, inputs, op):
    beta, threshold = op.params.get('beta', 1), op.params.get('threshold', 20)
    if beta != 1:
        raise _refused(op, "softplus with beta != 1")
    soft, above = e.temp('softplus'), e.temp('above')
    dtype = op.inputs[0].dtype
    return [e.node('Softplus', inputs, [soft]),
            e.node('Greater', [inputs[0], e.scalar(threshold, dtype)], [above]),
            e.node('Where', [above, inputs[0], soft])]


@_rule('softmax', 'log_softmax')
def _softmax(e, inputs, op):
    axis = op.params.get('axis', -1)
    if not isinstance(axis, int):
        raise _refused(op, f"{op.prim.name} over several axes")
    return [e.node('Softmax' if op.prim.name == 'softmax' else 'LogSoftmax', inputs, axis=axis)]


@_rule('sum', 'mean', 'amax', 'amin', 'prod', 'logsumexp')
def _reduce(e, inputs, op):
    kind = {'sum': 'ReduceSum', 'mean': 'ReduceMean', 'amax': 'ReduceMax', 'amin': 'ReduceMin',
            'prod': 'ReduceProd', 'logsumexp': 'ReduceLogSumExp'}[op.prim.name]
    axis, rank = op.params.get('axis'), op.inputs[0].ndim
    axes = range(rank) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = [a % rank for a in axes] if rank else []
    keep = int(bool(op.params.get('keepdims', False)))
    if not axes:
        return [e.node('Identity', inputs)]
    return [e.node(kind, [inputs[0], e.ints(axes, 'axes')], keepdims=keep)]


@_rule('reshape')
def _reshape(e, inputs, op):
    return [e.node('Reshape', [inputs[0], e.ints(op.out.shape)])]


@_rule('broadcast_to')
def _broadcast_to(e, inputs, op):
    return [e.node('Expand', [inputs[0], e.ints(op.out.shape)])]


@_rule('transpose')
def _transpose(e, inputs, op):
    axes = op.params.get('axes')
    axes = list(reversed(range(op.inputs[0].ndim))) if axes is None else [a % op.inputs[0].ndim for a in axes]
    return [e.node('Transpose', inputs, perm=axes)]


@_rule('cast')
def _cast(e, inputs, op):
    onnx = e.writer.onnx
    return [e.node('Cast', inputs, to=onnx.helper.np_dtype_to_tensor_dtype(np.dtype(op.out.dtype)))]


@_rule('concat')
def _concat(e, inputs, op):
    return [e.node('Concat', inputs, axis=op.params.get('axis', 0))]


@_rule('stack')
def _stack(e, inputs, op):
    axis = op.params.get('axis', 0) % op.out.ndim
    expanded = [e.temp('unsqueezed') for _ in inputs]
    nodes = [e.node('Unsqueeze', [x, e.ints([axis], 'axes')], [t]) for x, t in zip(inputs, expanded)]
    return nodes + [e.node('Concat', expanded, axis=axis)]


@_rule('slice_axis')
def _slice_axis(e, inputs, op):
    p = op.params
    start, stop, _ = slice(p['start'], p['stop']).indices(op.inputs[0].shape[p['axis']])
    return [e.node('Slice', [inputs[0], e.ints([start]), e.ints([stop]), e.ints([p['axis']])])]


@_rule('flip')
def _flip(e, inputs, op):
    axis, rank = op.params.get('axis'), op.inputs[0].ndim
    axes = list(range(rank)) if axis is None else [a % rank for a in ((axis,) if isinstance(axis, int) else axis)]
    low = np.iinfo(np.int64).min
    return [e.node('Slice', [inputs[0], e.ints([-1] * len(axes)), e.ints([low] * len(axes)),
                             e.ints(axes), e.ints([-1] * len(axes))])]


@_rule('getitem')
def _getitem(e, inputs, op):
    return _indexed(e, op, inputs[0], op.inputs[0].shape, op.params['index'], inputs[1:],
                    [v.ndim for v in op.inputs[1:]], e.out)


def _indexed(e, op, source, shape, template, arrays, ndims, out):
    """Nodes computing `source[template]` into `out`. Basic indexing (ints, slices, None,
    Ellipsis) and one integer-array index, axis by axis: a slice is Slice, an int or an array is
    Gather (which drops the axis, or puts the array's axes in its place, as NumPy does for a
    single array), None is Unsqueeze."""
    template = template if isinstance(template, tuple) else (template,)
    arrays, ndims, shape = iter(arrays), iter(ndims), list(shape)
    if sum(isinstance(item, (str, tuple)) for item in template) > 1:
        raise _refused(op, "indexing with several integer arrays")
    if Ellipsis in template:
        k = template.index(Ellipsis)
        named = sum(item is not None for item in template) - 1
        template = template[:k] + (slice(None),) * (len(shape) - named) + template[k + 1:]
    nodes, current, axis = [], source, 0
    for item in template:
        target = e.temp('index')
        if item is None:
            nodes.append(e.node('Unsqueeze', [current, e.ints([axis], 'axes')], [target]))
            shape.insert(axis, 1)
            axis += 1
        elif isinstance(item, slice):
            if item == slice(None):
                axis += 1
                continue
            start, stop, step = item.indices(shape[axis])
            length = len(range(start, stop, step))
            if step < 0 and stop < 0:
                stop = np.iinfo(np.int64).min     # through the first element, backwards
            nodes.append(e.node('Slice', [current, e.ints([start]), e.ints([stop]), e.ints([axis]),
                                          e.ints([step])], [target]))
            shape[axis] = length
            axis += 1
        elif isinstance(item, (int, np.integer)):
            nodes.append(e.node('Gather', [current, e.ints(int(item), 'index')], [target], axis=axis))
            del shape[axis]
        else:
            if isinstance(item, tuple):
                index, ndim = e.ints(item, 'index'), np.ndim(item)
            else:
                index, ndim = e.temp('index64'), next(ndims)
                nodes.append(e.node('Cast', [next(arrays)], [index], to=e.writer.onnx.TensorProto.INT64))
            nodes.append(e.node('Gather', [current, index], [target], axis=axis))
            shape[axis:axis + 1] = [None] * ndim
            axis += ndim
        current = target
    nodes.append(e.node('Identity', [current], [out]))
    return nodes


@_rule('setitem')
def _setitem(e, inputs, op):
    """`x[index] = value` without mutation: the flat positions `index` selects (the same
    indexing applied to 0, 1, 2, ... in x's shape) receive `value` by ScatterElements."""
    x, value = op.inputs[0], op.inputs[1]
    positions, flat, flat_positions, updates, flat_updates, scattered = (
        e.temp(n) for n in ('positions', 'flat', 'flat_positions', 'updates', 'flat_updates', 'scattered'))
    iota = e.writer.constant(np.arange(int(np.prod(x.shape)), dtype=np.int64).reshape(x.shape), 'positions')
    nodes = _indexed(e, op, iota, x.shape, op.params['index'], inputs[2:],
                     [v.ndim for v in op.inputs[2:]], positions)
    shape_of_positions = e.temp('positions_shape')
    nodes += [e.node('Shape', [positions], [shape_of_positions]),
              e.node('Reshape', [positions, e.ints([-1])], [flat_positions]),
              e.node('Reshape', [inputs[0], e.ints([-1])], [flat]),
              e.node('Expand', [inputs[1], shape_of_positions], [updates]),
              e.node('Reshape', [updates, e.ints([-1])], [flat_updates]),
              e.node('ScatterElements', [flat, flat_positions, flat_updates], [scattered], axis=0),
              e.node('Reshape', [scattered, e.ints(x.shape)])]
    return nodes


@_rule('tile')
def _tile(e, inputs, op):
    return [e.node('Tile', [inputs[0], e.ints(op.params['reps'], 'reps')])]


@_rule('argmax', 'argmin')
def _arg_extreme(e, inputs, op):
    """ONNX takes one axis; NumPy's None means the flattened input. Ties give the first index in
    both (select_last_index=0)."""
    kind = 'ArgMax' if op.prim.name == 'argmax' else 'ArgMin'
    axis, keep = op.params.get('axis'), int(bool(op.params.get('keepdims', False)))
    if axis is not None:
        return [e.node(kind, inputs, axis=axis, keepdims=keep)]
    if keep:
        raise _refused(op, f"{op.prim.name} over all axes with keepdims")
    flat = e.temp('flat')
    return [e.node('Reshape', [inputs[0], e.ints([-1])], [flat]), e.node(kind, [flat], axis=0, keepdims=0)]


@_rule('cumsum')
def _cumsum(e, inputs, op):
    axis = op.params.get('axis')
    if axis is None:
        flat = e.temp('flat')
        return [e.node('Reshape', [inputs[0], e.ints([-1])], [flat]),
                e.node('CumSum', [flat, e.ints(0, 'axis')])]
    return [e.node('CumSum', [inputs[0], e.ints(axis, 'axis')])]


@_rule('gather', 'gather_elements', 'gather_nd')
def _gather(e, inputs, op):
    """np.take is Gather; gather_elements and gather_nd are ONNX's ops of those names. ONNX
    wants int64 (or int32) indices and reads negative ones from the end, as NumPy does."""
    index = e.temp('index64')
    cast = e.node('Cast', [inputs[1]], [index], to=e.writer.onnx.TensorProto.INT64)
    if op.prim.name == 'gather_nd':
        return [cast, e.node('GatherND', [inputs[0], index])]
    kind = 'Gather' if op.prim.name == 'gather' else 'GatherElements'
    return [cast, e.node(kind, [inputs[0], index], axis=op.params.get('axis', 0))]


@_rule('conv2d')
def _conv2d(e, inputs, op):
    p = op.params
    (top, bottom), (left, right) = p.get('padding', ((0, 0), (0, 0)))
    return [e.node('Conv', inputs, strides=list(p.get('stride', (1, 1))), dilations=list(p.get('dilation', (1, 1))),
                   pads=[top, left, bottom, right], group=p.get('groups', 1))]


@_rule('max_pool2d')
def _max_pool2d(e, inputs, op):
    p = op.params
    (top, bottom), (left, right) = p.get('padding', ((0, 0), (0, 0)))
    return [e.node('MaxPool', inputs, kernel_shape=list(p['kernel_size']), strides=list(p['stride']),
                   pads=[top, left, bottom, right], dilations=list(p.get('dilation', (1, 1))))]


@_rule('avg_pool2d')
def _avg_pool2d(e, inputs, op):
    p = op.params
    if p.get('divisor_override') is not None:
        raise _refused(op, "avg_pool2d with divisor_override")
    (top, bottom), (left, right) = p.get('padding', ((0, 0), (0, 0)))
    return [e.node('AveragePool', inputs, kernel_shape=list(p['kernel_size']), strides=list(p['stride']),
                   pads=[top, left, bottom, right], count_include_pad=int(p.get('count_include_pad', True)))]


@_rule('pad')
def _pad(e, inputs, op):
    widths = op.params['pad_width']
    pads = [lo for lo, _ in widths] + [hi for _, hi in widths]
    value = e.scalar(op.params.get('value', 0.0), op.out.dtype, 'pad_value')
    return [e.node('Pad', [inputs[0], e.ints(pads, 'pads'), value], mode='constant')]
