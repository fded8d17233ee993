"""The containers SequentialCell and CellList (the Cell base class is `autograph.cell`)."""
from ..cell import Cell


class SequentialCell(Cell):
    """Cells applied in order: `SequentialCell(a, b)`, `SequentialCell([a, b])` (Parameters named
    by position, `0.weight`) or `SequentialCell(OrderedDict(fc1=a, act=b))` (named by key,
    `fc1.weight`). As in MindSpore it holds Cells only: a function such as `ops.relu` is a
    TypeError (use `nn.ReLU()`), and so is a tuple of Cells (pass a list)."""

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], dict):
            for name, cell in args[0].items():
                if not isinstance(name, str):
                    raise TypeError(f"For 'SequentialCell', the keys of the OrderedDict must be strings, "
                                    f"got {type(name).__name__} {name!r}")
                setattr(self, name, _checked_cell(cell, repr(name)))
            return
        cells = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        for i, cell in enumerate(cells):
            self.append(_checked_cell(cell, str(i)))

    def append(self, cell):
        """Add a Cell at the end."""
        setattr(self, str(len(self._cells)), _checked_cell(cell, str(len(self._cells))))
        return self

    def __getitem__(self, index):
        return list(self._cells.values())[index]

    def __len__(self):
        return len(self._cells)

    def construct(self, x):
        for cell in self._cells.values():
            x = cell(x)
        return x


def _checked_cell(cell, where):
    if isinstance(cell, Cell):
        return cell
    what = getattr(cell, '__name__', None)
    what = f"the function {what}" if callable(cell) and what else f"a {type(cell).__name__}"
    hint = " (wrap functions in a Cell: nn.ReLU() for ops.relu)" if callable(cell) else \
        " (pass the Cells one by one, or as a list)" if isinstance(cell, tuple) else ""
    raise TypeError(f"For 'SequentialCell', every item must be a Cell, but item {where} is {what}{hint}.")


class CellList(Cell):
    """A list of Cells, registered by position (`0.weight`); iterate over it in `construct`."""

    def __init__(self, cells=()):
        super().__init__()
        for cell in cells:
            self.append(cell)

    def append(self, cell):
        setattr(self, str(len(self._cells)), cell)
        return self

    def __getitem__(self, index):
        return list(self._cells.values())[index]

    def __len__(self):
        return len(self._cells)

    def __iter__(self):
        return iter(list(self._cells.values()))

    def construct(self, *inputs):
        raise TypeError("a CellList is not called; iterate over it in your construct")
