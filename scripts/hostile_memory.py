#!/usr/bin/env python3
"""Memory under hostile uploads (issue 10), for scripts/bench.sh.

Sends, all at once: 10 decompression bombs (1 MB PNGs claiming 12,000 x 12,000 16-bit RGBA,
1.15 GB if decoded), 10 of the largest images the decode budget still accepts (6,000 x 6,600 RGB,
119 MB decoded each) and 20 valid reports with a small photo. Prints what each got and the
server's peak resident memory (VmHWM) before and after. Then a second phase: 16 reports at once,
each with the largest body the server takes (6 PDFs of just under 10 MiB: documents are kept as
they are, so nothing shrinks them), to show that upload bodies do not sit in memory.

Usage: hostile_memory.py BASE_URL SERVER_PID
"""
import json
import struct
import sys
import threading
import urllib.request
import uuid
import zlib


def png(width, height, bit_depth, color_type, bytes_per_pixel):
    """A valid PNG of zeros, compressed in chunks (never the whole raw image in memory)."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * (width * bytes_per_pixel)
    comp = zlib.compressobj(9)
    parts = []
    for _ in range(height):
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def peak_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmHWM", "VmRSS")):
                yield line.split()[0].rstrip(":"), int(line.split()[1])


FIELDS = {
    "report_type": "major_hazard", "sector": "WHP", "town": "XZ01", "unit_name": "临湖精细化工有限公司",
    "address": "临湖镇工业园 8 号", "seen_on": "2024-05-01",
    "description": "储罐区可燃气体报警器长期关闭，夜间有人在罐区动火作业，随时可能爆炸。",
    "identity": "anonymous", "works_there": "no",
}


def post_report(base, image, results, i, files=1, name="p.png", ctype="image/png"):
    try:
        req = urllib.request.Request(f"{base}/api/report_form", data=b"", headers={"Accept": "application/json"})
        token = json.load(urllib.request.urlopen(req, timeout=120))["token"]
        boundary = uuid.uuid4().hex
        body = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n{token}\r\n".encode()]
        for k, v in FIELDS.items():
            body.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
        for _ in range(files):
            # The file's bytes are shared, not copied, across parts and threads.
            body.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                        f"Content-Type: {ctype}\r\n\r\n".encode())
            body.append(image)
            body.append(b"\r\n")
        body.append(f"--{boundary}--\r\n".encode())
        length = sum(len(b) for b in body)
        req = urllib.request.Request(f"{base}/report/submit", data=iter(body), headers={
            "Accept": "application/json", "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length)})
        try:
            resp = urllib.request.urlopen(req, timeout=300)
            results[i] = (resp.status, "")
        except urllib.error.HTTPError as e:
            results[i] = (e.code, e.read().decode(errors="replace")[:80])
    except Exception as e:  # a dropped connection is a finding, not a crash of this script
        results[i] = (0, repr(e)[:80])


def main():
    base, pid = sys.argv[1], int(sys.argv[2])
    bomb = png(12000, 12000, 16, 6, 8)
    largest = png(6000, 6600, 8, 2, 3)
    small = png(640, 480, 8, 2, 3)
    print(f"bomb {len(bomb):,} B (12000x12000 RGBA16), largest accepted {len(largest):,} B (6000x6600 RGB8)")
    before = dict(peak_kb(pid))
    kinds = ["bomb"] * 10 + ["largest"] * 10 + ["valid"] * 20
    images = {"bomb": bomb, "largest": largest, "valid": small}
    results = [None] * len(kinds)
    threads = [threading.Thread(target=post_report, args=(base, images[k], results, i)) for i, k in enumerate(kinds)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = dict(peak_kb(pid))
    for kind in ("bomb", "largest", "valid"):
        got = {}
        for k, r in zip(kinds, results):
            if k == kind:
                key = f"{r[0]} {r[1]}".strip()
                got[key] = got.get(key, 0) + 1
        print(f"{kind}: {got}")
    print(f"server RSS before: {before.get('VmRSS', 0) / 1024:.1f} MB, peak before: {before.get('VmHWM', 0) / 1024:.1f} MB")
    print(f"server peak RSS (VmHWM) after 40 concurrent uploads: {after.get('VmHWM', 0) / 1024:.1f} MB")

    pdf = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 4096)
    try:  # reset the peak (Linux: writing 5 to clear_refs), so the figure is this phase's own
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        reset = True
    except OSError:
        reset = False
    results = [None] * 16
    threads = [threading.Thread(target=post_report, args=(base, pdf, results, i, 6, "d.pdf", "application/pdf"))
               for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = {}
    for r in results:
        key = f"{r[0]} {r[1]}".strip()
        got[key] = got.get(key, 0) + 1
    final = dict(peak_kb(pid))
    print(f"full bodies (16 at once, 6 x {len(pdf):,} B PDFs each): {got}")
    since = "during this phase" if reset else "since start (could not reset the peak)"
    print(f"server peak RSS (VmHWM) {since}: {final.get('VmHWM', 0) / 1024:.1f} MB")


if __name__ == "__main__":
    main()
