#!/usr/bin/env python3
"""Sizes of a WebAssembly module's sections, raw and brotli-11 (issue 12, docs/benchmarks.md).

Usage: python3 scripts/wasm_sections.py target/site/pkg/safewhistle.wasm [more.wasm ...]
Each section is compressed on its own, so the parts do not add up to the whole module's figure.
Needs the `brotli` command (Debian package `brotli`, installed by `setup.sh --test`).
"""
import subprocess
import sys

SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
                 7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}


def read_uleb(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def brotli_size(data: bytes) -> int:
    out = subprocess.run(["brotli", "-c", "-q", "11"], input=data, capture_output=True, check=True).stdout
    return len(out)


def main() -> None:
    for path in sys.argv[1:]:
        module = open(path, "rb").read()
        if module[:4] != b"\0asm":
            sys.exit(f"{path}: not a WebAssembly module")
        print(f"{path}: {len(module):,} B raw, {brotli_size(module):,} B brotli")
        pos = 8
        while pos < len(module):
            section_id = module[pos]
            size, pos = read_uleb(module, pos + 1)
            body = module[pos:pos + size]
            pos += size
            name = SECTION_NAMES.get(section_id, str(section_id))
            print(f"  {name:10} {size:>11,} raw {brotli_size(body):>9,} brotli")


if __name__ == "__main__":
    main()
