"""MindSpore 2.x beginner tutorial "Saving and Loading the Model" (save_load), on autograph: only
the import differs. It writes model.ckpt and model.mindir into the current folder.

Known failure: autograph writes no MindIR, so `export(..., file_format="MINDIR")` raises
ValueError (autograph's own formats are 'NUMPY', 'ARRAY_API' and 'ONNX')."""
import numpy as np
import autograph as mindspore
from autograph import nn
from autograph import Tensor


def network():
    model = nn.SequentialCell(
                nn.Flatten(),
                nn.Dense(28*28, 512),
                nn.ReLU(),
                nn.Dense(512, 512),
                nn.ReLU(),
                nn.Dense(512, 10))
    return model


# Saving and Loading the Model Weight
model = network()
mindspore.save_checkpoint(model, "model.ckpt")

model = network()
param_dict = mindspore.load_checkpoint("model.ckpt")
param_not_load, _ = mindspore.load_param_into_net(model, param_dict)
print(param_not_load)

# Saving and Loading MindIR
model = network()
inputs = Tensor(np.ones([1, 1, 28, 28]).astype(np.float32))
mindspore.export(model, inputs, file_name="model", file_format="MINDIR")

mindspore.set_context(mode=mindspore.GRAPH_MODE)

graph = mindspore.load("model.mindir")
model = nn.GraphCell(graph)
outputs = model(inputs)
print(outputs.shape)
