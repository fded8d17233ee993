"""Loss functions as Cells, over the losses in `runtime.ops`."""
from runtime import ops
from .cell import Cell


class BCEWithLogitsLoss(Cell):
    """Binary cross entropy on logits, as `ops.binary_cross_entropy_with_logits`."""

    def __init__(self, reduction='mean', weight=None, pos_weight=None):
        super().__init__()
        self.reduction = reduction
        self.weight = weight
        self.pos_weight = pos_weight

    def construct(self, logits, labels):
        return ops.binary_cross_entropy_with_logits(logits, labels, self.weight, self.pos_weight,
                                                    self.reduction)
