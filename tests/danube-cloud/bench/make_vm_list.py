"""Writes the reply of GET /vm/?full=true for N VMs: a SUCCESS envelope whose
result lists N VM objects with realistic, deterministic values.

Usage: make_vm_list.py [N] OUTPUT      (N defaults to 10000)
"""

import json
import sys

STATUSES = ["stopped", "running", "stopping", "notready", "deploying", "frozen"]


def vm(i):
    """VM number i, the same on every run."""
    deployed = i % 7 != 3
    return {
        "hostname": "vm%05d.cust.example.com" % i,
        "uuid": "%08x-%04x-4d2c-8b1e-%012x" % (0x5A1C0000 + i, i % 0xFFFF, i * 7919),
        "alias": "vm%d" % i,
        "node": "node%02d.example.com" % (i % 12 + 1) if deployed else None,
        "owner": "admin" if i % 5 == 0 else "alice",
        "status": STATUSES[i % 6] if deployed else "notcreated",
        "node_status": ("maintenance" if i % 17 == 0 else "online") if deployed else None,
        "vcpus": 1 + i % 16,
        "ram": 512 * (1 + i % 32),
        "disk": 10240 * (1 + i % 20),
        "ips": ["10.%d.%d.%d" % (i // 65536 % 256, i // 256 % 256, i % 256)],
        "uptime": i * 3600 % 2592000,
        "locked": i % 11 == 0,
        "changed": i % 4 == 0,
    }


def main():
    args = sys.argv[1:]
    count = int(args[0]) if len(args) == 2 else 10000
    envelope = {"status": "SUCCESS", "result": [vm(i) for i in range(count)], "task_id": "1d1d1-00000001-a0b1-4c2d-8e3f"}
    with open(args[-1], "w") as out:
        json.dump(envelope, out)


if __name__ == "__main__":
    main()
