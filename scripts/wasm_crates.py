#!/usr/bin/env python3
"""Code size of a WebAssembly module by crate, from its name section (issue 12, docs/benchmarks.md).

Usage: python3 scripts/wasm_crates.py MODULE.wasm [--top N] [--functions CRATE]

Only a module that still has its name section can be read: the pre-optimisation main module that
wasm-split writes (`app_split.wasm` under `$CARGO_TARGET_DIR/front/`), not the served one.
Names are demangled with `c++filt` (Debian's binutils). A function counts for the first crate
named in its demangled name, so `<either_of::EitherOf3<..> as tachys::view::Render>::build`
counts for `either_of`: the crate whose generic code it is.
"""
import argparse
import re
import subprocess
import sys
from collections import Counter

from wasm_sections import read_uleb


def read_name(buf: bytes, pos: int) -> tuple[str, int]:
    length, pos = read_uleb(buf, pos)
    return buf[pos:pos + length].decode("utf-8", "replace"), pos + length


def functions(path: str) -> list[tuple[str, int]]:
    """(mangled name, body size) of every function defined in the module."""
    buf = open(path, "rb").read()
    if buf[:4] != b"\0asm":
        sys.exit(f"{path}: not a WebAssembly module")
    pos = 8
    imported = 0
    bodies: list[int] = []
    names: dict[int, str] = {}
    while pos < len(buf):
        section_id = buf[pos]
        size, pos = read_uleb(buf, pos + 1)
        end = pos + size
        if section_id == 2:  # imports: functions among them take the first indices
            count, p = read_uleb(buf, pos)
            for _ in range(count):
                _, p = read_name(buf, p)
                _, p = read_name(buf, p)
                kind = buf[p]
                p += 1
                if kind == 0:
                    _, p = read_uleb(buf, p)
                    imported += 1
                elif kind == 1:  # table: reftype, limits
                    p += 1
                    flags = buf[p]
                    _, p = read_uleb(buf, p + 1)
                    if flags & 1:
                        _, p = read_uleb(buf, p)
                elif kind == 2:  # memory: limits
                    flags = buf[p]
                    _, p = read_uleb(buf, p + 1)
                    if flags & 1:
                        _, p = read_uleb(buf, p)
                elif kind == 3:  # global: type, mutability
                    p += 2
                else:  # tag
                    p += 1
                    _, p = read_uleb(buf, p)
        elif section_id == 10:
            count, p = read_uleb(buf, pos)
            for _ in range(count):
                body, p = read_uleb(buf, p)
                bodies.append(body)
                p += body
        elif section_id == 0:
            name, p = read_name(buf, pos)
            if name == "name":
                while p < end:
                    sub = buf[p]
                    sub_size, p = read_uleb(buf, p + 1)
                    if sub == 1:
                        count, q = read_uleb(buf, p)
                        for _ in range(count):
                            index, q = read_uleb(buf, q)
                            names[index], q = read_name(buf, q)
                    p += sub_size
        pos = end
    if not names:
        sys.exit(f"{path}: no name section")
    return [(names.get(imported + i, f"<function {imported + i}>"), size) for i, size in enumerate(bodies)]


def demangle(mangled: list[str]) -> list[str]:
    out = subprocess.run(["c++filt"], input="\n".join(mangled), capture_output=True, text=True, check=True).stdout
    return out.split("\n")[:len(mangled)]


CRATE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::")


def crate_of(name: str) -> str:
    match = CRATE.search(name)
    return match.group(1) if match else "(other)"


def main() -> None:
    parser = argparse.ArgumentParser(description="Code size of a WebAssembly module by crate.")
    parser.add_argument("module")
    parser.add_argument("--top", type=int, default=25, help="rows to print")
    parser.add_argument("--functions", metavar="CRATE", help="list this crate's largest functions instead")
    args = parser.parse_args()
    top, only = args.top, args.functions
    funcs = functions(args.module)
    names = demangle([name for name, _ in funcs])
    crates = [crate_of(name) for name in names]
    if only:
        rows = sorted(((size, name) for name, crate, (_, size) in zip(names, crates, funcs) if crate == only), reverse=True)
        for size, name in rows[:top]:
            print(f"{size:>8}  {name[:200]}")
        return
    by_crate: Counter[str] = Counter()
    count = Counter(crates)
    for crate, (_, size) in zip(crates, funcs):
        by_crate[crate] += size
    total = sum(by_crate.values())
    print(f"{'crate':<28} {'functions':>9} {'bytes':>9}")
    for crate, size in by_crate.most_common(top):
        print(f"{crate:<28} {count[crate]:>9} {size:>9,}")
    print(f"{'(all)':<28} {len(funcs):>9} {total:>9,}")


if __name__ == "__main__":
    main()
