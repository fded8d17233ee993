"""The containers SequentialCell, CellList and CellDict (the Cell base class is `autograph.cell`)."""
from ..cell import Cell


class SequentialCell(Cell):
    """Cells applied in order: `SequentialCell(a, b)`, `SequentialCell([a, b])` (Parameters named
    by position, `0.weight`) or `SequentialCell(OrderedDict(fc1=a, act=b))` (named by key,
    `fc1.weight`). As in MindSpore it holds Cells only: a function such as `ops.relu` is a
    TypeError (use `nn.ReLU()`), and so is a tuple of Cells (pass a list).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 4), np.float32))
        >>> net = nn.SequentialCell(nn.Dense(4, 8), nn.ReLU(), nn.Dense(8, 2))
        >>> net(x).shape
        (2, 2)
    """

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
    """A list of Cells, registered by position (`0.weight`); iterate over it in `construct`.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> layers = nn.CellList([nn.Dense(4, 4), nn.Dense(4, 2)])
        >>> len(layers), [name for name, _ in layers.parameters_and_names()][:2]
        (2, ['0.weight', '0.bias'])
    """

    def __init__(self, *args):
        super().__init__()
        cells = args[0] if len(args) == 1 and not isinstance(args[0], Cell) else args
        self.extend(cells)

    def append(self, cell):
        setattr(self, str(len(self._cells)), _checked(cell, 'CellList'))
        return self

    def extend(self, cells):
        for cell in cells:
            self.append(cell)
        return self

    def insert(self, index, cell):
        """Put `cell` before position `index`; the Cells after it move up one position (their
        attribute names change, their Parameters keep the names they were given)."""
        cells = list(self._cells.values())
        cells.insert(index, _checked(cell, 'CellList'))
        self._renumber(cells)

    def _renumber(self, cells):
        for name in list(self._cells):
            delattr(self, name)
        for i, cell in enumerate(cells):
            setattr(self, str(i), cell)

    def __getitem__(self, index):
        cells = list(self._cells.values())
        return CellList(cells[index]) if isinstance(index, slice) else cells[index]

    def __setitem__(self, index, cell):
        name = list(self._cells)[index]
        setattr(self, name, _checked(cell, 'CellList'))

    def __delitem__(self, index):
        cells = list(self._cells.values())
        del cells[index]
        self._renumber(cells)

    def __len__(self):
        return len(self._cells)

    def __iter__(self):
        return iter(list(self._cells.values()))

    def construct(self, *inputs):
        raise TypeError("a CellList is not called; iterate over it in your construct")


def _checked(cell, owner):
    if not isinstance(cell, Cell):
        raise TypeError(f"For '{owner}', each item must be a Cell, got {type(cell).__name__}")
    return cell


class CellDict(Cell):
    """Cells by name, in insertion order (Parameters prefixed by the key: `dense.weight`), from a
    dict, a list of (key, Cell) pairs or another CellDict. Index it by key in `construct`.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> layers = nn.CellDict({'fc': nn.Dense(4, 2), 'act': nn.ReLU()})
        >>> [name for name, _ in layers.parameters_and_names()]
        ['fc.weight', 'fc.bias']
    """

    def __init__(self, *args, **kwargs):
        super().__init__()
        if len(args) > 1:
            raise TypeError(f"CellDict takes at most one positional argument, got {len(args)}")
        if args:
            self.update(args[0])

    def _key(self, key):
        if not isinstance(key, str):
            raise TypeError(f"For 'CellDict', the key must be a str, got {type(key).__name__}")
        if '.' in key or not key or key in ('training',) or hasattr(type(self), key):
            raise KeyError(f"For 'CellDict', {key!r} cannot name a Cell (empty, with a dot, or a "
                           f"CellDict attribute)")
        return key

    def __getitem__(self, key):
        return self._cells[key]

    def __setitem__(self, key, cell):
        setattr(self, self._key(key), _checked(cell, 'CellDict'))

    def __delitem__(self, key):
        if key not in self._cells:
            raise KeyError(key)
        delattr(self, key)

    def __len__(self):
        return len(self._cells)

    def __iter__(self):
        return iter(list(self._cells))

    def __contains__(self, key):
        return key in self._cells

    def keys(self):
        return list(self._cells)

    def values(self):
        return list(self._cells.values())

    def items(self):
        return list(self._cells.items())

    def pop(self, key):
        cell = self[key]
        del self[key]
        return cell

    def clear(self):
        for key in list(self._cells):
            delattr(self, key)

    def update(self, cells):
        pairs = cells.items() if isinstance(cells, (dict, CellDict)) else cells
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError("For 'CellDict', update takes a dict, a CellDict or (key, Cell) pairs")
            self[pair[0]] = pair[1]

    def construct(self, *inputs):
        raise TypeError("a CellDict is not called; index it by key in your construct")
