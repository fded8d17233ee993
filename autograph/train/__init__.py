"""`autograph.train`, MindSpore's `mindspore.train`: the high-level Model (train, eval, predict),
training callbacks (LossMonitor, TimeMonitor, ProgressBar) and evaluation metrics (Accuracy,
Loss, Precision, Recall, MAE, MSE)."""
from .callbacks import Callback, LossMonitor, ProgressBar, RunContext, TimeMonitor
from .metrics import MAE, MSE, Accuracy, Loss, Metric, Precision, Recall, get_metric
from .model import Model

__all__ = ['Model', 'Callback', 'RunContext', 'LossMonitor', 'TimeMonitor', 'ProgressBar', 'Metric',
           'Accuracy', 'Loss', 'Precision', 'Recall', 'MAE', 'MSE', 'get_metric']
