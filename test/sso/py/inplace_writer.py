"""Rewrites a token cache file in place, as the AWS CLI's JSONFileCache does (open, truncate, write; no rename),
every 2 ms for DURATION seconds, with a counter field that changes every time.

Usage: inplace_writer.py PATH DURATION_SECONDS
"""
import json
import os
import sys
import time

path, duration = sys.argv[1], float(sys.argv[2])
with open(path) as f:
    base = json.load(f)
end = time.time() + duration
n = 0
sys.stdout.write("started\n")
sys.stdout.flush()
while time.time() < end:
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
