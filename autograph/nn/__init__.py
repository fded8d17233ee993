"""`autograph.nn`: Cells (MindSpore's modules), layers, losses, optimizers and learning-rate
schedules. One module per kind: `cell` (SequentialCell, CellList, CellDict; the Cell base class is
`autograph.cell`), `activation`, `layers`, `conv`, `normalization`, `loss`, `optim`, `learning_rate_schedule`, `recurrent`, `wrap` (WithLossCell,
WithEvalCell, TrainOneStepCell)."""
from ..cell import Cell
from .activation import (ELU, GELU, Identity, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid, SiLU,
                         Softmax, Tanh)
from .cell import CellDict, CellList, SequentialCell
from .conv import AvgPool1d, Conv1d, Conv2dTranspose, MaxPool1d
from .layers import (AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dense, Dropout, Dropout2d, Embedding,
                     Flatten, LayerNorm, MaxPool2d)
from .learning_rate_schedule import (CosineDecayLR, ExponentialDecayLR, InverseDecayLR,
                                     LearningRateSchedule, PolynomialDecayLR, WarmUpLR,
                                     cosine_decay_lr, exponential_decay_lr, inverse_decay_lr,
                                     piecewise_constant_lr, polynomial_decay_lr, warmup_lr)
from .normalization import GroupNorm
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, LossBase, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .recurrent import GRU, LSTM, RNN
from .optim import SGD, Adagrad, Adam, AdamW, AdamWeightDecay, Momentum, Optimizer, RMSProp
from .wrap import TrainOneStepCell, WithEvalCell, WithLossCell
from ..deploy import GraphCell
