#!/usr/bin/python3
"""A real Prometheus scrapes a running trawk (--prometheus) on loopback: the
values its HTTP API returns must be those trawk prints for the same maps.

    tests/ecosystem/prometheus_scrape.py [--trawk build/trawk]

Needs root (trawk attaches a tracepoint) and Debian's prometheus package.
Starts trawk and Prometheus on free loopback ports and stops both."""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
GETPPID = os.path.join(HERE, "..", "runtime", "helpers", "getppid.py")
PROGRAM = ('tracepoint:syscalls:sys_enter_getppid /comm == "tt_prom"/ '
           '{ @calls[comm] = count(); @sizes = hist(5); @lat = stats(7); @last = 42; }')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(port, expr):
    url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (port, urllib.parse.quote(expr))
    with urllib.request.urlopen(url, timeout=5) as r:
        result = json.load(r)["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def wait_attached(proc, deadline):
    for line in proc.stdout:
        if "__BPFTRACE_NOTIFY_PROBES_ATTACHED" in line:
            return
        if time.monotonic() > deadline:
            break
    raise SystemExit("FAIL: trawk did not attach")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trawk", default=os.path.join(HERE, "..", "..", "build", "trawk"))
    args = ap.parse_args()
    prom = shutil.which("prometheus")
    if not prom:
        print("SKIP prometheus_scrape: the prometheus package is not installed")
        return 0
    tmp = tempfile.mkdtemp(prefix="trawk-prom-")
    trawk_port, prom_port = free_port(), free_port()
    env = dict(os.environ, __BPFTRACE_NOTIFY_PROBES_ATTACHED="1")
    trawk = subprocess.Popen([args.trawk, "--prometheus", "127.0.0.1:%d" % trawk_port,
                              "-e", PROGRAM], stdout=subprocess.PIPE, text=True, env=env)
    server = None
    try:
        wait_attached(trawk, time.monotonic() + 20)
        subprocess.run([GETPPID, "5", "tt_prom"], check=True)
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\nscrape_configs:\n"
                    "  - job_name: trawk\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % trawk_port)
        server = subprocess.Popen(
            [prom, "--config.file=" + os.path.join(tmp, "prometheus.yml"),
             "--storage.tsdb.path=" + os.path.join(tmp, "data"),
             "--web.listen-address=127.0.0.1:%d" % prom_port],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prometheus.log"), "w"))
        want = {
            'trawk_calls_total{key="tt_prom"}': None,
            'trawk_sizes_bucket{le="7"}': None,
            'trawk_sizes_bucket{le="3"}': None,
            "trawk_lat_count": None,
            "trawk_lat_sum": None,
            "trawk_last": None,
        }
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                for expr in want:
                    want[expr] = query(prom_port, expr)
                if all(v is not None for v in want.values()):
                    break
            except OSError:
                pass  # Prometheus is still starting
            time.sleep(0.5)
        trawk.send_signal(signal.SIGINT)
        printed, _ = trawk.communicate(timeout=20)
    finally:
        if trawk.poll() is None:
            trawk.kill()
            trawk.wait()
        if server:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log = os.path.join(tmp, "prometheus.log")
        log_text = open(log).read() if os.path.exists(log) else ""
        shutil.rmtree(tmp, ignore_errors=True)

    print("Prometheus saw:", json.dumps(want))
    missing = [e for e, v in want.items() if v is None]
    if missing:
        print(log_text[-3000:])
        raise SystemExit("FAIL: Prometheus has no value for " + ", ".join(missing))
    # The same numbers as trawk's own dump of the maps.
    calls = int(re.search(r"^@calls\[tt_prom\]: (\d+)$", printed, re.M).group(1))
    stats = re.search(r"^@lat: \{ \.count = (\d+), \.average = (\d+), \.total = (\d+) \}$",
                      printed, re.M)
    last = int(re.search(r"^@last: (\d+)$", printed, re.M).group(1))
    bucket = int(re.search(r"^\[4, 8\) +(\d+) \|", printed, re.M).group(1))
    checks = [
        ('trawk_calls_total{key="tt_prom"}', calls, 5),
        ('trawk_sizes_bucket{le="7"}', bucket, 5),
        ('trawk_sizes_bucket{le="3"}', 0, 0),
        ("trawk_lat_count", int(stats.group(1)), 5),
        ("trawk_lat_sum", int(stats.group(3)), 35),
        ("trawk_last", last, 42),
    ]
    for expr, from_trawk, expected in checks:
        if want[expr] != from_trawk or from_trawk != expected:
            raise SystemExit("FAIL: %s: Prometheus %s, trawk printed %s, expected %s"
                             % (expr, want[expr], from_trawk, expected))
    print("PASS prometheus_scrape")
    return 0


if __name__ == "__main__":
    sys.exit(main())
