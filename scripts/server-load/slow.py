#!/usr/bin/env python3
"""Slow clients for the mixed load: N connections that send their headers a byte a second, and N
that send headers and then their body a byte a second. Prints how each group ended (closed by
the server, answered with a status, still open) after SECONDS. Usage: slow.py ADDR N SECONDS"""
import socket, sys, time

addr, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
host, port = addr.rsplit(":", 1)
body = open("fixtures/initiatives/valid/digihelse.json", "rb").read()
head_bytes = (f"POST /v1/check HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n"
              f"Content-Length: {len(body)}\r\n\r\n").encode()

def connect():
    s = socket.create_connection((host, int(port)))
    s.setblocking(False)
    return s

groups = {"slow headers": [], "slow body": []}
for _ in range(n):
    groups["slow headers"].append([connect(), head_bytes, 0, None])
    s = connect()
    s.sendall(head_bytes)
    groups["slow body"].append([s, body, 0, None])

end = time.time() + seconds
while time.time() < end and any(c[3] is None for g in groups.values() for c in g):
    for g in groups.values():
        for c in g:
            if c[3] is not None:
                continue
            s, data, at, _ = c
            try:
                got = s.recv(4096)
                if got == b"":
                    c[3] = "closed"
                    continue
                c[3] = got.split(b"\r\n", 1)[0].decode(errors="replace")
                continue
            except BlockingIOError:
                pass
            except OSError:
                c[3] = "closed"
                continue
            if at < len(data):
                try:
                    s.send(data[at:at + 1])
                    c[2] = at + 1
                except OSError:
                    c[3] = "closed"
    time.sleep(1.0)

for name, g in groups.items():
    ends = {}
    for c in g:
        k = c[3] or "still open"
        ends[k] = ends.get(k, 0) + 1
    print(f"{name}: " + ", ".join(f"{v} {k}" for k, v in sorted(ends.items())))
