"""parse_function finds a def's lines without tokenizing it (frontend/parse.py
`_quick_source_lines`); where its guess cuts a statement short, `inspect` finds them. Both give
the statements `inspect.getsourcelines` gives."""
import functools
import inspect

import gast

from autograph.frontend import parse as P


def _decorated(f):
    @functools.wraps(f)
    def wrapper(*args):
        return f(*args)
    return wrapper


@_decorated
def decorated(x):
    return x + 1


def string_at_column_zero(x):
    s = """
text at column 0
"""
    return x * len(s)


def continued_at_column_zero(x):
    y = (x +
1)
    return y


def dead_string_at_column_zero(x):
    return x
    """no bytecode comes from this string, and its second line is at column 0:
the guess stops there"""


def trailing_comment(x):
    y = x * 2
    # a comment after the last statement
# and one at column 0

    "a last expression with no bytecode"


class Holder:
    def method(self, x):
        return x - 1


def _same_as_inspect(fn):
    lines, first = inspect.getsourcelines(fn)
    expected = gast.dump(P._parse_lines(lines, first), include_attributes=True)
    lines, first, module = P._parsed_source(fn)
    assert gast.dump(module, include_attributes=True) == expected


def test_quick_source_lines_agree_with_inspect():
    for fn in (decorated, string_at_column_zero, dead_string_at_column_zero, continued_at_column_zero, trailing_comment,
               Holder.method, _same_as_inspect):
        _same_as_inspect(fn)


def test_a_cut_statement_falls_back_to_inspect():
    lines, _ = P._quick_source_lines(dead_string_at_column_zero)
    assert lines[-1].strip().startswith('"""no bytecode')       # cut inside the string
    assert P._parsed_source(dead_string_at_column_zero)[0] == \
        inspect.getsourcelines(dead_string_at_column_zero)[0]
