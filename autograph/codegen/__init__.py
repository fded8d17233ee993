"""Code generation: IR -> ast -> Python source -> function. `nodes` builds ast, `unparse`
prints it, `emit` turns a graph into source, `load` compiles and runs it."""
from .emit import Generated, generate
from .load import load, user_location
