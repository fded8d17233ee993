"""Parsing Python source, safely from several threads.

CPython 3.11 keeps the AST constructor's recursion counter in interpreter-wide state; when two
threads parse at once (the garbage collector may run Python code, and switch threads, in the
middle of building an AST), `ast.parse` fails with "SystemError: AST constructor recursion depth
mismatch" (python/cpython gh-106905). Every parse autograph does goes through `parse` here, one
thread at a time. Compiling source text to a code object builds no Python AST and needs no lock.
"""
import ast
import threading

import gast

_LOCK = threading.Lock()


def parse(source, **options):
    """`ast.parse`, one thread at a time."""
    with _LOCK:
        return ast.parse(source, **options)


def parse_gast(source, **options):
    """`gast.parse`, one thread at a time."""
    with _LOCK:
        return gast.parse(source, **options)
