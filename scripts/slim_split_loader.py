#!/usr/bin/env python3
"""Drop the comments from the split loader that `cargo leptos build --split` writes (D42).

The loader (`__wasm_split.<…>.js`) is a JavaScript module every page fetches: one function per
split file and per chunk. Above each chunk's function wasm-split writes a comment naming every
page that uses the chunk; those comments are about 510 KB of its 800 KB, and 5.1 KB of its
11.1 KB as a browser receives it with brotli. They are not needed to run it.

Only whole-line `/* … */` comments are removed (the generator writes each on a line of its own and
no string in the file contains `/*`), then the `.br` and `.gz` copies beside the file are written
again, as `--precompress` did, so the server keeps serving precompressed files. Run after every
release build; running it twice changes nothing. Usage: slim_split_loader.py PKG_DIR
"""
import gzip
import pathlib
import re
import subprocess
import sys

COMMENT_LINE = re.compile(r"^/\*[^\n]*\*/\n", re.MULTILINE)


def slim(path: pathlib.Path) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    slimmed = COMMENT_LINE.sub("", text)
    if "/*" in slimmed:
        # A comment over several lines or inside code: the generator changed; leave the file
        # whole (the first-visit budget test then shows the bytes came back).
        print(f"{path.name}: unexpected comment layout, left as it is", file=sys.stderr)
        return len(text), len(text)
    if slimmed == text:
        return len(text), len(text)
    path.write_text(slimmed, encoding="utf-8")
    br = path.with_name(path.name + ".br")
    subprocess.run(["brotli", "-f", "-q", "11", "-o", str(br), str(path)], check=True)
    gz = path.with_name(path.name + ".gz")
    gz.write_bytes(gzip.compress(slimmed.encode("utf-8"), compresslevel=9, mtime=0))
    return len(text), len(slimmed)


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    pkg = pathlib.Path(sys.argv[1])
    loaders = sorted(pkg.glob("__wasm_split*.js"))
    for path in loaders:
        before, after = slim(path)
        print(f"{path.name}: {before} -> {after} B without comments")


if __name__ == "__main__":
    main()
