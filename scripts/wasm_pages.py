#!/usr/bin/env python3
"""The WebAssembly each page's first visit fetches, in bytes as served (brotli 11).

A page's lazy route loads the files listed for it in `__wasm_split_manifest.json`: after
scripts/pack_split.py (D44), its pack (its split file and small chunks) and the large chunks; before,
its split file and every chunk. Every page also loads the main module. This adds up their `.br` copies as `--precompress` wrote them (or compresses a file
that has none), which is what the first-visit budget test sees of the WebAssembly, without a
browser or a server. Usage: wasm_pages.py PKG_DIR [--all]  (public pages only unless --all)
"""
import argparse
import functools
import json
import pathlib
import subprocess


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pkg")
    parser.add_argument("--all", action="store_true", help="staff pages too")
    args = parser.parse_args()
    pkg = pathlib.Path(args.pkg)
    manifest = json.loads((pkg / "__wasm_split_manifest.json").read_text())

    @functools.lru_cache(maxsize=None)
    def brotli_size(name: str) -> int:
        path = pkg / f"{name}.wasm"
        br = path.with_name(path.name + ".br")
        if br.exists() and br.stat().st_mtime >= path.stat().st_mtime:
            return br.stat().st_size
        out = subprocess.run(["brotli", "-q", "11", "-c", str(path)], capture_output=True, check=True)
        return len(out.stdout)

    main_module = brotli_size("safewhistle")
    print(f"{'main module':48} {main_module:>9,}")
    print(f"{'split':48} {'files':>5} {'own, B':>9} {'with main, B':>13}")
    for split, files in sorted(manifest.items()):
        if not args.all and "_public_" not in split:
            continue
        own = sum(brotli_size(f) for f in files)
        print(f"{split[:48]:48} {len(files):>5} {own:>9,} {own + main_module:>13,}")


if __name__ == "__main__":
    main()
