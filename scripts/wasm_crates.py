#!/usr/bin/env python3
"""Code size of a WebAssembly module by crate, from its name section (issue 12, docs/benchmarks.md).

Usage: python3 scripts/wasm_crates.py MODULE.wasm [--top N] [--functions CRATE]

Only a module that still has its name section can be read: the pre-optimisation main module that
wasm-split writes (`app_split.wasm` under `$CARGO_TARGET_DIR/front/`), not the served one.
Names are demangled with `c++filt` (Debian's binutils). A function counts for the first crate
named in its demangled name, so `<either_of::EitherOf3<..> as tachys::view::Render>::build`
counts for `either_of`: the crate whose generic code it is.
"""
import re
import subprocess
import sys
from collections import Counter


def read_uleb(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


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
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    top = 25
    only = None
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if "--functions" in args:
        i = args.index("--functions")
        only = args[i + 1]
        del args[i:i + 2]
    funcs = functions(args[0])
    names = demangle([name for name, _ in funcs])
    by_crate: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for name, (_, size) in zip(names, funcs):
        by_crate[crate_of(name)] += size
        count[crate_of(name)] += 1
    if only:
        rows = sorted(((size, name) for name, (_, size) in zip(names, funcs) if crate_of(name) == only), reverse=True)
        for size, name in rows[:top]:
            print(f"{size:>8}  {name[:200]}")
        return
    total = sum(by_crate.values())
    print(f"{'crate':<28} {'functions':>9} {'bytes':>9}")
    for crate, size in by_crate.most_common(top):
        print(f"{crate:<28} {count[crate]:>9} {size:>9,}")
    print(f"{'(all)':<28} {len(funcs):>9} {total:>9,}")


if __name__ == "__main__":
    main()
