"""Time autograph's gradients against hand-written NumPy, JAX (jit), PyTorch (eager) and HIPS
autograd, in one process, and print the ratios to the hand-written NumPy code.

Run:  python benchmarks/compare.py [--quick] [--cases tutorial,mlp64] [--versions ...] [--markdown]

The cases and versions are defined in benchmarks/cases.py; a framework that is not installed is
left out ("n/a"). `pip install -e '.[bench]'` installs them (torch's CPU wheel first, see
pyproject.toml). Every version's outputs are checked against the NumPy reference before timing;
a mismatch stops the script with a traceback.

Timing: each computation runs on one thread (BLAS, OpenMP, XLA and PyTorch are limited to one,
here, before any of them is imported), so that the ratios compare the code and not how each
library parallelises on a shared machine. The versions of a case are timed round-robin, each
round a batch of calls of every version in turn, so that a slow spell of the machine hits all of
them alike; a version's time is its best round.

Also printed: the peak memory (tracemalloc, which sees NumPy's buffers) of one call of autograph's
gradient against the hand-written one, and the first call's time (compiling included) of
autograph and of JAX's jit, each measured in a fresh process after the imports and the set-up.
"""
import os


def one_thread():
    for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ[var] = '1'
    os.environ['XLA_FLAGS'] = ' '.join([os.environ.get('XLA_FLAGS', ''),
                                        '--xla_cpu_multi_thread_eigen=false',
                                        'intra_op_parallelism_threads=1']).strip()
    os.environ.setdefault('JAX_PLATFORMS', 'cpu')   # no probing for accelerators


one_thread()   # NumPy's BLAS, JAX and PyTorch read these when imported

import argparse
import gc
import platform
import subprocess
import sys
import time
import timeit
import tracemalloc
from importlib import metadata

import numpy as np

import cases


# ---------------------------------------------------------------- building and checking
def build(case, version):
    if version == 'torch_eager':
        import torch
        torch.set_num_threads(1)
    return case.builders[version](case)


def checked_steps(case, versions):
    """{version: step} for the NumPy reference and `versions`, each checked against the
    reference once (the first call, so compiling happens here, not while timing)."""
    reference = build(case, 'numpy')
    want = cases.outputs(reference())
    steps = {'numpy': reference}
    for version in versions:
        steps[version] = build(case, version)
        cases.check(f'{case.name} {version}', cases.outputs(steps[version]()), want)
    print(f"checked {case.name}: {', '.join(versions)} match the NumPy reference "
          f"(rtol {cases.RTOL})", flush=True)
    return steps


# ---------------------------------------------------------------- timing
def calls_per_round(step, min_time):
    """How many calls take at least min_time."""
    number = 1
    while timeit.Timer(step).timeit(number) < min_time:
        number *= 2
    return number


def interleaved_times(steps, rounds, min_time):
    """{version: best time per call in seconds}, timing the versions in turn, round after round,
    starting each round one version further on."""
    timers = {name: (timeit.Timer(step), calls_per_round(step, min_time))
              for name, step in steps.items()}
    best = dict.fromkeys(steps, float('inf'))
    names = list(steps)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            timer, number = timers[name]
            best[name] = min(best[name], timer.timeit(number) / number)
    return best


# ---------------------------------------------------------------- memory and the first call
def peak_bytes(step):
    """The most memory one call of step() holds at once, beyond what was allocated before."""
    gc.collect()
    tracemalloc.start()
    try:
        result = step()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak


def first_call_seconds(case_name, version):
    """The first call's time of `version` in a fresh process (this script with --first-call)."""
    out = subprocess.run([sys.executable, __file__, '--first-call', case_name, version],
                         check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1])


def print_first_call(case_name, version):
    step = build(cases.CASES[case_name], version)
    start = time.perf_counter()
    step()
    print(time.perf_counter() - start)


# ---------------------------------------------------------------- reporting
def machine():
    """One line: the CPU, the cores, and the versions of Python, NumPy and the frameworks."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    parts = [f'{cpu}, {os.cpu_count()} cores ({usable} usable), one thread per computation',
             f'Python {platform.python_version()}', f'NumPy {np.__version__}']
    for package in ('autograph', 'jax', 'jaxlib', 'torch', 'autograd'):
        try:
            parts.append(f'{package} {metadata.version(package)}')
        except metadata.PackageNotFoundError:
            pass
    return '; '.join(parts)


def table(header, rows, markdown):
    if markdown:
        lines = [header, ['---'] * len(header)] + rows
        return '\n'.join('| ' + ' | '.join(row) + ' |' for row in lines)
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    return '\n'.join('  '.join([row[0].ljust(widths[0])] +
                               [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])])
                     for row in [header] + rows)


def ratio_row(case, times, versions):
    reference = times['numpy']
    cells = [f'{times[v] / reference:.2f}' if v in times else 'n/a' if v in versions else '-'
             for v in cases.VERSIONS]
    return [case.title, f'{reference * 1e6:.1f}'] + cells


def memory_row(case, peaks):
    return [case.title, f"{peaks['numpy'] / 1024:.0f}",
            *(f"{peaks[v] / 1024:.0f} ({peaks[v] / peaks['numpy']:.3f}x)"
              for v in ('autograph', 'autograph_generated'))]


# ---------------------------------------------------------------- main
def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='3 short rounds (a smoke test)')
    parser.add_argument('--rounds', type=int, help='rounds of timing (default 30, 3 with --quick)')
    parser.add_argument('--cases', default=','.join(cases.CASES),
                        help=f"comma-separated, of: {', '.join(cases.CASES)}")
    parser.add_argument('--versions', default=','.join(cases.VERSIONS),
                        help=f"comma-separated, of: {', '.join(cases.VERSIONS)} (hand-written "
                        "NumPy is always timed)")
    parser.add_argument('--markdown', action='store_true', help='print the tables as Markdown')
    parser.add_argument('--first-call', nargs=2, metavar=('CASE', 'VERSION'),
                        help='print the first call of VERSION of CASE in seconds (used internally)')
    args = parser.parse_args()
    args.cases = [cases.CASES[name] for name in args.cases.split(',')]
    args.versions = args.versions.split(',')
    for version in args.versions:
        if version not in cases.VERSIONS:
            parser.error(f'unknown version {version!r}')
    args.rounds = args.rounds or (3 if args.quick else 30)
    # Many short rounds: on a busy machine, more of them run undisturbed.
    args.min_time = 0.005 if args.quick else 0.02
    return args


def main():
    args = parse_args()
    if args.first_call:
        return print_first_call(*args.first_call)
    installed = [v for v in args.versions if cases.available(v)]
    print(machine())
    print(f'best of {args.rounds} interleaved rounds of >= {args.min_time * 1e3:g} ms per version',
          flush=True)
    ratios, memory, first_calls = [], [], []
    for case in args.cases:
        steps = checked_steps(case, installed)
        times = interleaved_times(steps, args.rounds, args.min_time)
        ratios.append(ratio_row(case, times, args.versions))
        if case.peak_memory and 'autograph' in steps and 'autograph_generated' in steps:
            memory.append(memory_row(case, {v: peak_bytes(steps[v]) for v in
                                            ('numpy', 'autograph', 'autograph_generated')}))
        compiled = [v for v in ('autograph', 'jax_jit') if v in installed]
        first_calls.append([case.title] + [f'{first_call_seconds(case.name, v) * 1e3:.0f}'
                                           if v in compiled else 'n/a'
                                           for v in ('autograph', 'jax_jit')])
    titles = [cases.VERSIONS[v][0] for v in cases.VERSIONS]
    print('\nTime per call as a ratio to hand-written NumPy (1.00: as fast; n/a: not installed):\n')
    print(table(['case', 'NumPy µs'] + titles, ratios, args.markdown))
    if memory:
        print('\nPeak memory of one call, KiB, and its ratio to hand-written NumPy '
              '(goal <= 1.05x):\n')
        print(table(['case', 'NumPy', 'autograph', 'autograph generated'], memory, args.markdown))
    print('\nFirst call (compiling included), ms, in a fresh process after imports and set-up:\n')
    print(table(['case', 'autograph', 'JAX jit'], first_calls, args.markdown))


if __name__ == '__main__':
    main()
