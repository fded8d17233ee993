"""`autograph.nn`: Cells (MindSpore's modules), layers and losses. One module per kind:
`cell` (Cell, SequentialCell, CellList), `layers`, `loss`."""
from .cell import Cell, CellList, SequentialCell
from .layers import Dense, ReLU, Sigmoid
from .loss import BCEWithLogitsLoss
