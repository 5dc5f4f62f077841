"""Times the peer's (esdc-api 2.0.1) handling of a GET /vm/?full=true reply.

Usage: peer_decode.py FILE [--decodes=N]

The file's bytes become the body of a requests.Response (status 200, JSON,
the server's es_* headers); each decode wraps it in the peer's Response and
reads what a user reads: content.result, the list of VM dicts, and every
VM's hostname. Prints the median of N decodes (default 5):
  peer: ms=<ms per decode> MB/s=<rate>
"""

import statistics
import sys
import time

import requests
from esdc_api.response import Response


def reply(body):
    """A requests.Response holding body, as the transport would hand it over."""
    raw = requests.Response()
    raw.status_code = 200
    raw._content = body
    raw.headers.update({"Content-Type": "application/json", "es_version": "4.0", "es_task_id": "1d1d1-x"})
    return raw


def decode_once(body):
    """Seconds the peer takes to turn the reply into the user's list."""
    raw = reply(body)
    started = time.perf_counter()
    vms = Response(raw).content.result
    names = [vm["hostname"] for vm in vms]
    elapsed = time.perf_counter() - started
    assert len(names) == len(vms) > 0
    return elapsed


def main():
    path = sys.argv[1]
    decodes = next((int(a.split("=", 1)[1]) for a in sys.argv[2:] if a.startswith("--decodes=")), 5)
    with open(path, "rb") as f:
        body = f.read()
    seconds = statistics.median(decode_once(body) for _ in range(decodes))
    print("peer: ms=%.3f MB/s=%.1f" % (seconds * 1e3, len(body) / seconds / 1e6))


if __name__ == "__main__":
    main()
