"""Run the fuzzer by hand and print a summary:

    python -m tests.fuzz.run 10000                 # programs from seeds 0..9999
    python -m tests.fuzz.run 500 --start 20000     # other seeds
    python -m tests.fuzz.run --show 1234           # print program 1234 and check it
    python -m tests.fuzz.run 2000 --full           # every gradient element, not two directions

Each failure's program and report go to --out (one file per program, named by kind and seed), so
`python -m tests.fuzz.run --show SEED` reproduces it. The summary counts programs, wrong values,
wrong gradients, crashes, hangs, invalid programs (eager execution failed), refusals grouped by
message, and programs skipped near a kink or for overflow. A failure marked [codegen] is one
where the optimised IR, evaluated op by op (tests/fuzz/ireval.py), is right and the generated
code is not (or the crash is in autograph/codegen).
"""
import argparse
import collections
import pathlib
import random
import sys
import tempfile
import time

from tests.fuzz.check import FAILURES, check
from tests.fuzz.programs import generate


def program_for(seed, size=1.0):
    return generate(random.Random(seed), size)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('count', type=int, nargs='?', default=200)
    parser.add_argument('--start', type=int, default=0, help='first seed')
    parser.add_argument('--size', type=float, default=1.0, help='scales the programs')
    parser.add_argument('--full', action='store_true', help='compare every gradient element')
    parser.add_argument('--timeout', type=float, default=60.0, help='seconds per program')
    parser.add_argument('--out', default='fuzz_failures', help='where failing programs go')
    parser.add_argument('--show', type=int, help='print and check the program of one seed')
    parser.add_argument('--quiet', action='store_true')
    opts = parser.parse_args(argv)

    if opts.show is not None:
        program = program_for(opts.show, opts.size)
        print(program.source)
        print('args:', program.args, 'positions:', program.positions)
        with tempfile.TemporaryDirectory() as tmp:
            outcome = check(program, pathlib.Path(tmp), opts.timeout, opts.full)
        print(f'{outcome.status} ({outcome.stage}) {outcome.key} {outcome.culprit}\n{outcome.detail}')
        return 1 if outcome.failed else 0

    out = pathlib.Path(opts.out)
    counts = collections.Counter()
    refusals = collections.Counter()
    examples = {}
    failed = []
    began = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(opts.start, opts.start + opts.count):
            program = program_for(seed, opts.size)
            outcome = check(program, pathlib.Path(tmp), opts.timeout, opts.full)
            counts[outcome.status] += 1
            if outcome.status == 'refused':
                refusals[outcome.key] += 1
                examples.setdefault(outcome.key, seed)
            if outcome.failed:
                failed.append((outcome.status + (f' [{outcome.culprit}]' if outcome.culprit else ''), seed))
                out.mkdir(parents=True, exist_ok=True)
                (out / f'{outcome.status}_{seed}.py').write_text(
                    program.source + f'\n# seed {seed}, args {program.args!r}, positions '
                    f'{program.positions}\n"""\n{outcome.stage}: {outcome.detail}\n"""\n')
                if not opts.quiet:
                    print(f'seed {seed}: {outcome.status} ({outcome.stage}) {outcome.culprit}', flush=True)
            done = seed - opts.start + 1
            if not opts.quiet and done % 250 == 0:
                print(f'... {done} programs, {time.time() - began:.0f} s, '
                      f'{sum(counts[f] for f in FAILURES)} failures', flush=True)

    total = sum(counts.values())
    print(f'\nprograms:          {total}  ({time.time() - began:.0f} s)')
    print(f'passed:            {counts["ok"]}')
    print(f'wrong values:      {counts["wrong_value"]}')
    print(f'wrong gradients:   {counts["wrong_gradient"]}')
    print(f'crashes:           {counts["crash"]}')
    print(f'hangs:             {counts["hang"]}')
    print(f'invalid programs:  {counts["invalid"]}  (eager execution failed)')
    print(f'skipped near kink: {counts["skipped_kink"]}')
    print(f'skipped overflow:  {counts["skipped_overflow"]}')
    print(f'refusals:          {counts["refused"]}')
    for key, n in refusals.most_common():
        print(f'  {n:6d}  {key}   (e.g. seed {examples[key]})')
    if failed:
        print(f'\nfailures (programs in {out}/; [codegen]: the optimised IR is right, the generated '
              'code is not):')
        for status, seed in failed:
            print(f'  {status:26s} seed {seed}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
