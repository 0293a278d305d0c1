#!/usr/bin/env python3
"""Latency of reads at the local Databend endpoint (the bridge), as a client sees it.

Starts a bridge on a scratch directory (or uses ``--url``), creates N external stages and N
connections, then times ``DESC STAGE``, ``SHOW STAGES``, ``DESC CONNECTION`` and ``SHOW
CONNECTIONS`` over HTTP (one keep-alive connection, the way databend-driver sends them) and prints
median / p90 / max in milliseconds, plus the first ``DESC STAGE`` after a write. A benchmark, not a
test: it reports figures and never fails on them.

Usage: python scripts/stack/bench_bridge.py [--stages 400] [--connections 400] [--reps 50]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Client:
    """Minimal HTTP query client with the driver's request shape and session echo."""

    def __init__(self, host: str, port: int):
        self.conn = http.client.HTTPConnection(host, port)
        self.auth = "Basic " + base64.b64encode(b"root:").decode()
        self.session: dict = {"database": "default"}

    def query(self, sql: str) -> dict:
        body = json.dumps({"sql": sql, "session": self.session})
        self.conn.request("POST", "/v1/query", body, {"Authorization": self.auth, "Content-Type": "application/json"})
        resp = json.loads(self.conn.getresponse().read())
        if resp.get("session"):
            self.session = resp["session"]
        nxt = resp.get("next_uri")
        while nxt:
            self.conn.request("GET", nxt, headers={"Authorization": self.auth})
            page = json.loads(self.conn.getresponse().read())
            resp["data"] = resp.get("data", []) + page.get("data", [])
            nxt = page.get("next_uri")
        if resp.get("error"):
            raise RuntimeError(f"{sql}: {resp['error']}")
        return resp


def timed(client: Client, sql: str, reps: int, warm: bool = True) -> list[float]:
    """Times ``reps`` runs of ``sql``, by default after one untimed run (which may fill the bridge's read cache)."""
    if warm:
        client.query(sql)
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        client.query(sql)
        out.append((time.perf_counter() - t) * 1000.0)
    return out


def summary(ms: list[float]) -> str:
    s = sorted(ms)
    p90 = s[min(len(s) - 1, int(len(s) * 0.9))]
    return f"median {statistics.median(s):7.2f}  p90 {p90:7.2f}  max {s[-1]:7.2f}  (n={len(s)})"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stages", type=int, default=400)
    ap.add_argument("--connections", type=int, default=400)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--url", help="an already running bridge, e.g. http://127.0.0.1:PORT (objects are added to it)")
    args = ap.parse_args()

    proc = None
    if args.url:
        host, port = args.url.split("//", 1)[1].rsplit(":", 1)
        port = int(port)
    else:
        data = tempfile.mkdtemp(prefix="bench-bridge-")
        proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "databend_bridge.py"), "--port", "0", "--data-dir", data],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = proc.stdout.readline()
        host, port = "127.0.0.1", int(line.split()[1])
    try:
        c = Client(host, port)
        version = c.query("SELECT version()")["data"][0][0]
        print(f"engine: {version}")
        t0 = time.perf_counter()
        c.query(
            "CREATE CONNECTION IF NOT EXISTS bench_c STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'benchkey1' "
            "SECRET_ACCESS_KEY = 'benchsecret1' ENDPOINT_URL = 'http://127.0.0.1:9' REGION = 'us-east-1'"
        )
        for i in range(args.connections):
            c.query(
                f"CREATE CONNECTION IF NOT EXISTS bench_c{i} STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'benchkey1' "
                "SECRET_ACCESS_KEY = 'benchsecret1' ENDPOINT_URL = 'http://127.0.0.1:9' REGION = 'us-east-1'"
            )
        for i in range(args.stages):
            c.query(
                f"CREATE STAGE IF NOT EXISTS bench_s{i} URL = 's3://bench-bucket/p{i}/' "
                "CONNECTION = (CONNECTION_NAME = 'bench_c')"
            )
        print(f"setup: {args.stages} stages, {args.connections} connections in {time.perf_counter() - t0:.1f}s")
        mid = max(0, args.stages // 2)
        cold = []
        for i in range(5):
            c.query(f"CREATE STAGE IF NOT EXISTS bench_s{mid}")  # a statement that may write
            cold += timed(c, f"DESC STAGE bench_s{i}", 1, warm=False)
        print(f"DESC STAGE, first after a write : {summary(cold)}")
        print(f"DESC STAGE                      : {summary(timed(c, f'DESC STAGE bench_s{mid}', args.reps))}")
        print(f"SHOW STAGES                     : {summary(timed(c, 'SHOW STAGES', args.reps))}")
        print(f"DESC CONNECTION                 : {summary(timed(c, 'DESC CONNECTION bench_c1', args.reps))}")
        print(f"SHOW CONNECTIONS                : {summary(timed(c, 'SHOW CONNECTIONS', args.reps))}")
        print(f"SELECT 1                        : {summary(timed(c, 'SELECT 1', args.reps))}")
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
