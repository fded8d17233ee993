"""`autograph.nn`: Cells (MindSpore's modules), layers and losses. One module per kind:
`cell` (Cell, SequentialCell, CellList), `layers`, `loss`."""
from .cell import Cell, CellList, SequentialCell
from .layers import (AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dense, Dropout, Embedding, Flatten,
                     GELU, LayerNorm, MaxPool2d, ReLU, Sigmoid, Softmax, Tanh)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, LossBase, MSELoss, NLLLoss,
                   SmoothL1Loss)
