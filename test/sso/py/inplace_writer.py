"""Rewrites a token cache file in place, as the AWS CLI's JSONFileCache does (open, truncate, write; no rename),
every 2 ms until its stdin closes (or MAX_SECONDS pass), with a counter field that changes every time. Stopping on
stdin lets the test end the race after a number of its own reads, not after a wall-clock window that load can starve.

Usage: inplace_writer.py PATH MAX_SECONDS
"""
import json
import os
import select
import sys
import time

path, duration = sys.argv[1], float(sys.argv[2])
with open(path) as f:
    base = json.load(f)
end = time.time() + duration
n = 0
sys.stdout.write("started\n")
sys.stdout.flush()
def told_to_stop():
    readable, _, _ = select.select([sys.stdin], [], [], 0)
    return bool(readable) and sys.stdin.read(1) == ""


while time.time() < end and not told_to_stop():
    n += 1
    base["writerCounter"] = n
    # Padding makes each write big enough that a reader can catch it half done.
    base["writerPadding"] = "x" * (2000 + n % 500)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.truncate()
        f.write(json.dumps(base))
    # Hundreds of rewrites a second: far busier than any real CLI, which rewrites once per refresh.
    time.sleep(0.002)
sys.stdout.write(json.dumps({"writes": n}) + "\n")
