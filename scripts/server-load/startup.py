#!/usr/bin/env python3
"""Startup to ready: time from starting `samstyr serve` to the first 200 of GET /readyz, RUNS
times; prints each and the median. Usage: startup.py BINARY RUNS [ARGS...]"""
import socket, statistics, subprocess, sys, time

binary, runs, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "serve", "--addr", "127.0.0.1:0", "--quiet", *extra],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    addr = line.strip().removeprefix("listening on http://")
    host, port = addr.rsplit(":", 1)
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    reply = b""
    while chunk := s.recv(4096):
        reply += chunk
    t1 = time.perf_counter()
    assert reply.startswith(b"HTTP/1.1 200"), reply[:40]
    times.append((t1 - t0) * 1000)
    p.terminate()
    p.wait()
print("startup to ready, ms: " + " ".join(f"{t:.1f}" for t in times))
print(f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
