#!/usr/bin/env python3
"""Pack the small WebAssembly chunks of each page into one file; write the split loader for it (D44).

`cargo leptos build --split` cuts the code of the lazy routes into a split file per page plus
"chunks", one per set of pages that share some code: with 50 pages, over 600 chunks, most under
1 KB, and a public page fetched 60 to 190 files. Each was a request (round trips on a phone
network; six at a time over HTTP/1.1), compressed on its own (small files compress badly), and a
`fetch` on the browser's main thread: Lighthouse timed the report page's 94 as one task of a
second on its slowed-down mobile CPU.

Run after every release build, this packs them:
- A public page gets a pack of its own, `pack_<its split>.wasm`: its split file and every chunk it
  needs under ALONE_BYTES. A first visit is then the main module, the pack and a few large chunks.
- Staff pages that need the same large chunks (the pages of one audience, D38) share one pack,
  `pack_staff_<digest>.wasm`, of all their small chunks, and each keeps its split file alone:
  moving between them fetches that file only.
- Larger chunks (the server functions' common code, the staff pages' spreadsheet and PDF code)
  stay files of their own, fetched once by any page that needs them.
A pack is self-describing: a little-endian u32 with the length of a JSON header, the header (a list
of `[module name, length]`), then the modules end to end.

The split loader (`__wasm_split.<…>.js`, imported by the main module) is written anew: wasm-split's
shared-import and callback code is kept, and each page's loader fetches its pack and its large
chunks together, instantiates every module it does not have yet, chunks first and the page's split
file last (as wasm-split's own loader does), and forgets a failed load so the next attempt retries.
A chunk in two packs is instantiated once; instantiating a chunk the page does not call is harmless
(it only fills its own table slots and data). `__wasm_split_manifest.json`, from which the server
writes each page's `<link rel="preload">` tags, then lists the pack, the large chunks and any split
file alone. Packed chunk files are removed; every file written gets `.br` and `.gz` copies, as
`--precompress` makes.

Running it twice changes nothing (the loader is marked as packed). Usage: pack_split.py PKG_DIR
"""
import gzip
import hashlib
import json
import pathlib
import re
import struct
import subprocess
import sys

# A chunk at least this large (uncompressed) is fetched as a file of its own.
ALONE_BYTES = 32 * 1024
MARK = "// Packed by scripts/pack_split.py (D44).\n"

CHUNK_DEF = re.compile(r"^const __chunk_(\d+) = makeLoad\((.*?)\n?, \[\]\);\n", re.M | re.S)
SPLIT_DEF = re.compile(
    r"^export const (__wasm_split_load_(\w+)) = wrapAsyncCb\(makeLoad\((.*?)\n?, \[([^\]]*)\]\)\);\n", re.M | re.S
)
FILE_IN_FETCHER = re.compile(r'fetch\(new URL\("\./(\w+)\.wasm", import\.meta\.url\)\)')
EMPTY_FETCHER = "() => async (_imp) => ({})"
COMMENT_LINE = re.compile(r"^/\*[^\n]*\*/\n", re.M)

RUNTIME = """
// Each module is instantiated once per visit, whichever pack brought it; a failed attempt is
// forgotten so that the next one retries.
const modules = new Map();
function once(name, instantiate) {
    let loading = modules.get(name);
    if (loading === undefined) {
        loading = instantiate();
        modules.set(name, loading);
        loading.catch(() => {
            if (modules.get(name) === loading) modules.delete(name);
        });
    }
    return loading;
}
function download(file) {
    return fetch(new URL(`./${file}.wasm`, import.meta.url)).then((r) => {
        if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
        return r;
    });
}
function alone(name) {
    return once(name, () => WebAssembly.instantiateStreaming(download(name), getSharedImports()));
}
// A pack's modules as `[name, bytes]`: a u32 (little-endian) header length, the JSON header
// `[[name, length], ...]`, the modules end to end.
async function unpack(pack) {
    const buffer = await (await download(pack)).arrayBuffer();
    const headerLength = new DataView(buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength)));
    let offset = 4 + headerLength;
    return header.map(([name, length]) => {
        const bytes = new Uint8Array(buffer, offset, length);
        offset += length;
        return [name, bytes];
    });
}
const unpacked = new Set();
// A page: its pack (or null), its large chunks by number, and its split file (or null when
// wasm-split left it empty), in the pack or a file of its own. A pack is read once all of its
// modules are in; a staff page of the same group then fetches its split file only.
function loadPage(pack, large, split) {
    return async () => {
        const chunks = large.map((n) => alone(`chunk_${n}`));
        let last = split === null ? null : () => alone(split);
        if (pack !== null && !unpacked.has(pack)) {
            for (const [name, bytes] of await unpack(pack)) {
                const module = () => once(name, () => WebAssembly.instantiate(bytes, getSharedImports()));
                if (name === split) last = module;
                else chunks.push(module());
            }
        }
        await Promise.all(chunks);
        if (last !== null) await last();
        if (pack !== null) unpacked.add(pack);
    };
}
"""


def compress(path: pathlib.Path) -> None:
    subprocess.run(["brotli", "-f", "-q", "11", "-o", str(path) + ".br", str(path)], check=True)
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def remove(path: pathlib.Path) -> None:
    for p in (path, path.with_name(path.name + ".br"), path.with_name(path.name + ".gz")):
        p.unlink(missing_ok=True)


def file_of(fetcher: str) -> str | None:
    if fetcher.strip() == EMPTY_FETCHER:
        return None
    found = FILE_IN_FETCHER.search(fetcher)
    if found is None:
        raise SystemExit(f"pack_split: unexpected fetcher in the split loader: {fetcher[:200]!r}")
    return found.group(1)


def chunk_number(name: str) -> int:
    if not re.fullmatch(r"chunk_\d+", name):
        raise SystemExit(f"pack_split: unexpected chunk file name {name!r}")
    return int(name.removeprefix("chunk_"))


def write_pack(path: pathlib.Path, pkg: pathlib.Path, members: list[str]) -> None:
    modules = [(name, (pkg / f"{name}.wasm").read_bytes()) for name in members]
    header = json.dumps([[name, len(data)] for name, data in modules], separators=(",", ":")).encode()
    path.write_bytes(struct.pack("<I", len(header)) + header + b"".join(data for _, data in modules))
    compress(path)


def pack(pkg: pathlib.Path, loader: pathlib.Path) -> None:
    text = loader.read_text(encoding="utf-8")
    if MARK in text:
        print(f"{loader.name}: already packed")
        return
    # A new build: the packs of an earlier one go (their pages may have other names now).
    for old in pkg.glob("pack_*.wasm"):
        remove(old)
    text = COMMENT_LINE.sub("", text)
    body = text.find("\nconst __chunk_")
    if body < 0:
        body = text.find("\nexport const ")
    header, body = text[: body + 1], text[body + 1 :]
    if "function getSharedImports()" not in header or "function wrapAsyncCb(" not in header:
        raise SystemExit("pack_split: the split loader's layout changed; see scripts/pack_split.py")
    # wasm-split's own loader function is replaced by `loadPage`.
    header = re.sub(r"^function makeLoad\(.*?^}\n", "", header, flags=re.M | re.S)

    chunk_file = {int(n): file_of(f) for n, f in CHUNK_DEF.findall(body)}
    pages = []
    for export, name, fetcher, deps in SPLIT_DEF.findall(body):
        files = [chunk_file[int(d.strip().removeprefix("__chunk_"))] for d in deps.split(",") if d.strip()]
        pages.append((export, name, file_of(fetcher), [f for f in files if f is not None]))
    rest = CHUNK_DEF.sub("", SPLIT_DEF.sub("", body)).strip()
    if rest or not pages:
        raise SystemExit(f"pack_split: unexpected code in the split loader: {rest[:200]!r}")

    manifest_path = pkg / "__wasm_split_manifest.json"
    manifest = json.loads(manifest_path.read_text())
    size = {f: (pkg / f"{f}.wasm").stat().st_size for _, _, own, deps in pages for f in deps + ([own] if own else [])}
    for _, name, own, deps in pages:
        if set(manifest.get(name, [])) != set(deps) | ({own} if own else set()):
            raise SystemExit(f"pack_split: {name}: the manifest and the loader disagree")

    packs: dict[str, list[str]] = {}
    plan = []
    for export, name, own, deps in pages:
        large = [f for f in deps if size[f] >= ALONE_BYTES]
        small = [f for f in deps if size[f] < ALONE_BYTES]
        if name.startswith("__public_"):
            pack_name, members, split_alone = f"pack_{name}", small + ([own] if own else []), False
        else:
            digest = hashlib.sha256(" ".join(sorted(large)).encode()).hexdigest()[:12]
            pack_name, members, split_alone = f"pack_staff_{digest}", small, own is not None
        listed = packs.setdefault(pack_name, [])
        listed.extend(f for f in members if f not in listed)
        plan.append((export, name, pack_name if members else None, large, own, split_alone))

    for pack_name, members in packs.items():
        if members:
            write_pack(pkg / f"{pack_name}.wasm", pkg, members)

    lines = [MARK, header, RUNTIME]
    new_manifest = {}
    for export, name, pack_name, large, own, split_alone in plan:
        numbers = [chunk_number(f) for f in large]
        lines.append(
            f"export const {export} = wrapAsyncCb(loadPage({json.dumps(pack_name)}, {json.dumps(numbers)}, {json.dumps(own)}));\n"
        )
        new_manifest[name] = ([pack_name] if pack_name else []) + large + ([own] if split_alone else [])
    fetched_alone = {f for files in new_manifest.values() for f in files}
    packed = {f for members in packs.values() for f in members}
    for f in packed - fetched_alone:
        remove(pkg / f"{f}.wasm")
    loader.write_text("".join(lines), encoding="utf-8")
    compress(loader)
    manifest_path.write_text(json.dumps(new_manifest, sort_keys=True), encoding="utf-8")
    compress(manifest_path)
    print(
        f"{loader.name}: {len(pages)} pages; {len(packed)} modules in {len(packs)} packs; "
        f"{len(fetched_alone - set(packs))} files alone"
    )


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    pkg = pathlib.Path(sys.argv[1])
    loaders = sorted(pkg.glob("__wasm_split*.js"))
    if not loaders:
        raise SystemExit(f"pack_split: no split loader in {pkg}")
    for loader in loaders:
        pack(pkg, loader)


if __name__ == "__main__":
    main()
