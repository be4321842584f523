"""Which process of a cold build peaks in memory, and in which stage.

    python bench/peak_memory.py SITE [--code TREE] [--rounds N]

Each round removes SITE's `_site` and `.pressroom-cache`, runs `pressroom build` (search on) in a new process
and polls /proc every 20 ms for every process of its tree (the build, its pool workers, Pagefind's services):
each one's high-water mark (VmHWM, the kernel's own peak, so a spike between polls is not missed) and the
build stage it was at when its resident size was largest. `bench_build.py`'s "peak" is the largest of these.
Prints one JSON line per round: wall and CPU seconds (the tree's, as `bench_build.py` counts them), and each
kind of process's peak MB and stage.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys, time, resource, json
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from generator.build import build
from generator.config import load_config
marks = open(sys.argv[3], "w", buffering=1)
marks.write(f"start {time.time()}\\n")
build(load_config(Path(sys.argv[2])), run_import=False, search=True,
      progress=lambda stage, _n: marks.write(f"{stage} {time.time()}\\n"))
marks.write(f"end {time.time()}\\n")
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                  "maxrss_mb": max(own.ru_maxrss, kids.ru_maxrss) / 1024}))
"""


def status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return dict(line.rstrip("\n").split(":\t", 1) for line in handle if ":\t" in line)
    except OSError:
        return {}


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return found


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def kind(pid: int, root: int) -> str:
    if pid == root:
        return "build"
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
    except OSError:
        return "?"
    return "pagefind" if any(b"pagefind" in part for part in cmd) else "worker"


def kb(value: str) -> int:
    return int(value.split()[0]) if value else 0


def one_round(site: Path, code: Path, series: Path | None = None) -> dict:
    shutil.rmtree(site / "_site", ignore_errors=True)
    shutil.rmtree(site / ".pressroom-cache", ignore_errors=True)
    marks_file = Path(tempfile.mkstemp(suffix=".marks")[1])
    started = time.time()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(code), str(site), str(marks_file)],
                             stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(code)))
    peaks: dict[int, dict] = {}
    while child.poll() is None:
        now = time.time()
        for pid in tree(child.pid):
            st = status(pid)
            if not st:
                continue
            entry = peaks.setdefault(pid, {"kind": "?", "hwm": 0, "rss": 0, "at": now, "series": []})
            if entry["kind"] != "pagefind":       # a service is a fork of the build until it execs Pagefind
                entry["kind"] = kind(pid, child.pid)
            entry["series"].append((now, kb(st.get("VmRSS", ""))))
            entry["hwm"] = max(entry["hwm"], kb(st.get("VmHWM", "")))
            if kb(st.get("VmRSS", "")) > entry["rss"]:
                entry["rss"], entry["at"] = kb(st.get("VmRSS", "")), now
        time.sleep(0.02)
    wall = time.time() - started
    result = json.loads(child.stdout.read().decode().strip().splitlines()[-1])
    marks = [(line.split()[0], float(line.split()[1])) for line in marks_file.read_text().splitlines()]
    marks_file.unlink()
    if series is not None:
        series.write_text(json.dumps({"marks": marks, "processes": {
            f"{entry['kind']}-{pid}": entry["series"] for pid, entry in peaks.items()}}))
    by_kind: dict[str, dict] = {}
    for entry in peaks.values():
        best = by_kind.get(entry["kind"])
        if best is None or entry["hwm"] > best["mb"] * 1024:
            stage = [name for name, at in marks if at <= entry["at"]][-1:] or ["start"]
            by_kind[entry["kind"]] = {"mb": round(entry["hwm"] / 1024), "stage": stage[0]}
    return {"wall": round(wall, 2), "cpu": round(result["cpu"], 2), "maxrss_mb": round(result["maxrss_mb"]),
            "peaks": by_kind, "processes": len(peaks), "stages": stage_peaks(peaks, marks)}


def stage_peaks(peaks: dict[int, dict], marks: list[tuple[str, float]]) -> dict[str, dict[str, int]]:
    """Per stage, each kind's largest sampled resident size (MB): where the memory goes over the build."""
    out: dict[str, dict[str, int]] = {}
    for entry in peaks.values():
        for at, rss in entry["series"]:
            stage = ([name for name, when in marks if when <= at][-1:] or ["start"])[0]
            got = out.setdefault(stage, {})
            got[entry["kind"]] = max(got.get(entry["kind"], 0), round(rss / 1024))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--series", type=Path, help="write each process's (time, RSS KB) samples here, as JSON")
    args = parser.parse_args()
    for _ in range(args.rounds):
        print(json.dumps(one_round(args.site, args.code, args.series)), flush=True)


if __name__ == "__main__":
    main()
