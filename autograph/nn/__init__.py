"""`autograph.nn`: Cells (MindSpore's modules), layers, losses, optimizers and learning-rate
schedules. One module per kind: `cell` (SequentialCell, CellList; the Cell base class is
`autograph.cell`), `layers`, `loss`, `optim`, `learning_rate_schedule`, `wrap` (WithLossCell,
WithEvalCell, TrainOneStepCell)."""
from ..cell import Cell
from .cell import CellList, SequentialCell
from .layers import (AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dense, Dropout, Embedding, Flatten,
                     GELU, LayerNorm, MaxPool2d, ReLU, Sigmoid, Softmax, Tanh)
from .learning_rate_schedule import (CosineDecayLR, ExponentialDecayLR, InverseDecayLR,
                                     LearningRateSchedule, PolynomialDecayLR, WarmUpLR,
                                     cosine_decay_lr, exponential_decay_lr, inverse_decay_lr,
                                     piecewise_constant_lr, polynomial_decay_lr, warmup_lr)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, LossBase, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .optim import SGD, Adagrad, Adam, AdamW, AdamWeightDecay, Momentum, Optimizer, RMSProp
from .wrap import TrainOneStepCell, WithEvalCell, WithLossCell
