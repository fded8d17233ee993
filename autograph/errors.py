"""Errors a user sees; they point at a `source.SourceLoc`."""
import linecache
from typing import Optional

from .source import SourceLoc


class CompileError(RuntimeError):
    """The compiler cannot lower this code. The message names the file and line and shows the
    statement with a caret. (A RuntimeError, as MindSpore's graph-mode compile failures are.)

    Args:
        message: what is wrong, and what to write instead.
        loc: the user's source location, when known.

    Example:
        >>> import autograph
        >>> try:
        ...     raise autograph.CompileError("an example")
        ... except RuntimeError as e:
        ...     print(e)
        an example
    """

    def __init__(self, message: str, loc: Optional[SourceLoc] = None) -> None:
        self.message = message
        self.loc = loc
        super().__init__(self._render())

    def _render(self) -> str:
        if self.loc is None:
            return self.message
        line = linecache.getline(self.loc.filename, self.loc.lineno).rstrip('\n')
        stripped = line.lstrip()
        caret = ' ' * (4 + max(self.loc.col - (len(line) - len(stripped)), 0)) + '^'
        return f'{self.loc}, column {self.loc.col + 1}: {self.message}\n    {stripped}\n{caret}'

    def located(self, loc: Optional[SourceLoc]) -> 'CompileError':
        """This error, pointed at `loc` if it has no place yet."""
        return self if self.loc is not None or loc is None else type(self)(self.message, loc)


class NotStatic(CompileError):
    """A run-time value was used where the compiler needs one known at compile time (a Python
    list index, a loop bound that decides unrolling, a truth value)."""


class DynamicShapeError(CompileError):
    """A function compiled with `dynamic_dims` computes something that depends on the size of a
    dynamic axis in a way the compiled code cannot follow (a Python branch on it, a constant
    built from it that is no np.arange or fill, a number no simple function of it), or another
    argument's axis must have the same size and is not dynamic. Compiling without that entry of
    `dynamic_dims` (once per size) works. A CompileError, so a RuntimeError.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> def f(x):
        ...     if x.shape[0] > 100:
        ...         return x.sum()
        ...     return (x * 2).sum()
        >>> try:
        ...     autograph.jit(f, dynamic_dims={'x': 0})(np.ones(8))
        ... except autograph.DynamicShapeError as e:
        ...     print(e.message.split(':')[0])
        f's code depends on the size of x's axis 0
    """
