"""IR -> stable text (jaxpr-like), for `autograph.get_ir` and golden tests; and `identifier`, the
one function every name in generated source comes from.

    def function(x: f32[5], w: f32[5,3], b: f32[3]):
      z: f32[3] = add(matmul(...)...)      one line per op, inputs by name, params as key=value
      return loss

Names are made unique in order of definition (`z`, `z_1`), so the text is deterministic. Names
come from user data (variable names, dict keys, keyword names, Parameter and function names), so
they pass through `identifier` first; parameters and constants print as one-line reprs.
"""
import builtins
import keyword
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Callable

import numpy as np

from .core import Graph, Op, Value, format_aval

# Words a name may not be: keywords, and soft keywords (`match`, `case`, 3.12's `type`), which
# are legal names today but read as syntax. `_` stays: it is a soft keyword only inside a case
# pattern, and `for _ in range(5)` is the usual spelling of an unused name.
RESERVED = (frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {'case', 'match', 'type'}) - {'_'}
BUILTINS = frozenset(dir(builtins)) | {'__builtins__'}
_MAX_LENGTH = 64     # longer names are cut (Namer keeps them unique)


def is_identifier(text: object) -> bool:
    """Whether `text` may be written as a name in generated source as it is: a Python identifier
    of at most 64 characters, not in RESERVED, and unchanged by NFKC (Python normalises
    identifiers with NFKC when it parses them, so 'ﬁ' and 'fi' would be the same variable;
    NFKC leaves ASCII as it is, and code generation asks this of every name it writes)."""
    return type(text) is str and text.isidentifier() and text not in RESERVED and \
        (text.isascii() or unicodedata.normalize('NFKC', text) == text) and len(text) <= _MAX_LENGTH


def identifier(text: object, default: str = 't') -> str:
    """Any string -> a name that `is_identifier`. Ordinary names come back unchanged; otherwise
    the name is NFKC-normalised ('x²' -> x2, 'ﬁ' -> fi), each run of characters that cannot be in
    a name becomes one '_' ('x y' -> x_y), a leading digit gets a '_' in front, a keyword gets
    one behind ('class' -> class_), and nothing left gives `default`. Uniqueness is the Namer's
    job: two strings may map to the same identifier."""
    text = str.__str__(text) if isinstance(text, str) else str(text)
    if is_identifier(text):
        return text
    name = unicodedata.normalize('NFKC', text)
    # One character at a time: can it continue a name? ('_' + c, since a digit or a combining
    # mark cannot start one.)
    pieces = re.split(r'_*\0+_*', ''.join(c if ('_' + c).isidentifier() else '\0' for c in name))
    name = '_'.join(p for p in pieces if p)
    if not name:
        return default
    if not name.isidentifier():      # it starts with a digit or a combining mark
        name = '_' + name
    name = name[:_MAX_LENGTH]
    if name in RESERVED:
        name += '_'
    if not is_identifier(name):
        # Joining or cutting pieces composed characters anew: spell what is not ASCII by its
        # code point.
        name = ''.join(c if c.isascii() else f'u{ord(c):x}' for c in name)[:_MAX_LENGTH]
    return name if is_identifier(name) else default


class Namer:
    """Unique, deterministic names for values, from their hints. Every name passes through
    `identifier`, and is never one of `taken` (in generated code: keywords, builtins, imports)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.names: dict[int, str] = {}
        self.used = set(taken)
        # per hint, the suffix its last name took: every smaller one is used (names are never
        # freed), so the search for the next starts there, and 20,000 `y`s stay linear
        self.suffix: dict[str, int] = {}
        self.order: list[int] = []      # ids in the order they were named
        self.history: list[tuple[str, int]] = []   # (hint, its suffix before) as suffixes grow

    def fresh(self, hint: object) -> str:
        hint = identifier(hint)
        name, n = hint, self.suffix.get(hint, 0)
        if n:
            name = f'{hint[:_MAX_LENGTH - 1 - len(str(n))]}_{n}'
        while name in self.used:
            n += 1
            name = f'{hint[:_MAX_LENGTH - 1 - len(str(n))]}_{n}'
        self.used.add(name)
        if n != self.suffix.get(hint, 0):
            self.history.append((hint, self.suffix.get(hint, 0)))
        self.suffix[hint] = n
        return name

    def __call__(self, value: Value, default: str = 't') -> str:
        if id(value) not in self.names:
            self.names[id(value)] = self.fresh(value.name or default)
            self.order.append(id(value))
        return self.names[id(value)]

    def mark(self) -> tuple[int, int]:
        return len(self.order), len(self.history)

    def release(self, mark: tuple[int, int], dead: Callable[[int], bool]) -> None:
        """Free the names given since `mark` to values for which `dead(id)` holds, unless a
        value named since then that lives on holds the same name; suffixes go back to where
        they were, so the next search finds the freed names."""
        named, grown = mark
        new = self.order[named:]
        gone = [key for key in new if dead(key)]
        held = {self.names[key] for key in new if not dead(key)}
        for key in gone:
            if self.names[key] not in held:
                self.used.discard(self.names[key])
        for hint, before in reversed(self.history[grown:]):
            self.suffix[hint] = before
        del self.history[grown:]


def format_graph(graph: Graph) -> str:
    namer = Namer()

    def ref(v: Any) -> str:
        if not isinstance(v, Value):
            return text_of(v)
        if v.is_const:
            return text_of(v.const) if v.is_scalar_const else f'const{format_aval(v.aval)}'
        return namer(v)

    def typed(v: Value, default: str = 't') -> str:
        return f'{namer(v, default)}: {format_aval(v.aval)}'

    def ops(op_list: Iterable[Op], indent: str) -> list[str]:
        lines = []
        for op in op_list:
            params = [f'{identifier(k)}={text_of(p)}' for k, p in op.params.items()]
            call = ', '.join([ref(v) for v in op.inputs] + params)
            outs = ', '.join(typed(v, op.prim.name) for v in op.outs)
            lines.append(f'{indent}{outs} = {identifier(op.prim.name)}({call})' + (':' if op.regions else ''))
            for region in op.regions:
                args = ', '.join(typed(v, 'arg') for v in region.args)
                lines.append(f'{indent}  region({args}):')
                lines += ops(region.ops, indent + '    ')
                lines.append(f"{indent}    yield {', '.join(ref(v) for v in region.results)}")
        return lines

    args = ', '.join(typed(v) for v in graph.inputs)
    lines = [f'def {identifier(graph.name, "function")}({args}):'] + ops(graph.ops, '  ')
    lines.append(f'  return {_tree(graph.outputs, ref)}')
    return '\n'.join(lines)


def _tree(tree: Any, ref: Callable[[Any], str]) -> str:
    if isinstance(tree, dict):
        return '{' + ', '.join(f'{text_of(key)}: {_tree(item, ref)}' for key, item in tree.items()) + '}'
    if isinstance(tree, (tuple, list)):
        inner = ', '.join(_tree(t, ref) for t in tree)
        return f'({inner},)' if len(tree) == 1 else f'({inner})'
    return ref(tree)


_PLAIN = (bool, int, float, complex, str, bytes, type(None), type(Ellipsis))


def text_of(p: object) -> str:
    """A param or constant as one line of text that cannot be mistaken for anything else: the
    repr of plain values (by their built-in type's repr, so a subclass cannot choose its own),
    dtype names, and `<TypeName>` for any other object."""
    if isinstance(p, (np.dtype, type)):
        try:
            name: str = np.dtype(p).name
            return name
        except TypeError:
            return f'<{identifier(getattr(p, "__name__", "type"), "type")}>'
    if isinstance(p, np.generic):
        p = p.item()
    if isinstance(p, (tuple, list)):
        inner = ', '.join(text_of(item) for item in p)
        if isinstance(p, list):
            return f'[{inner}]'
        return f'({inner},)' if len(p) == 1 else f'({inner})'
    if isinstance(p, slice):
        return f'slice({text_of(p.start)}, {text_of(p.stop)}, {text_of(p.step)})'
    for kind in _PLAIN:
        if isinstance(p, kind):
            try:
                # The type's own repr, unbound (mypy reads it as bound to the class object).
                return kind.__repr__(p)     # type: ignore[call-arg]
            except ValueError:      # an int too long to print
                return f'<{kind.__name__}>'
    return f'<{identifier(type(p).__name__, "object")}>'
