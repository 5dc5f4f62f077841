//! JSON values shaped like the Danube Cloud server's: VMs (`full` and
//! `extended`), task log entries and finished task results.

use serde_json::{Map, Value, json};

/// The members only `extended=true` shows.
pub const EXTENDED_MEMBERS: [&str; 10] = [
    "tags",
    "snapshot_define_inactive",
    "snapshot_define_active",
    "snapshots",
    "backup_define_inactive",
    "backup_define_active",
    "backups",
    "slaves",
    "size_snapshots",
    "size_backups",
];

/// Every display value of a VM's `status`.
pub const VM_STATUSES: [&str; 12] = [
    "stopped",
    "running",
    "stopping",
    "notready",
    "deploying",
    "frozen",
    "notcreated",
    "stopped-",
    "running-",
    "frozen-",
    "notcreated-",
    "error",
];

/// Every display value of a VM's `node_status` (null when it has no node).
pub const NODE_STATUSES: [&str; 4] = ["online", "maintenance", "unreachable", "unlicensed"];

/// A VM with every member of the extended form; number `i` decides the
/// values, so the same `i` always gives the same VM.
pub fn vm(i: usize, hostname: &str) -> Map<String, Value> {
    let deployed = i % 7 != 3;
    let value = json!({
        "hostname": hostname,
        "uuid": format!("{:08x}-{:04x}-4d2c-8b1e-{:012x}", 0x5a1c_0000u32 as usize + i, i % 0xffff, i * 7919),
        "alias": format!("vm{i}"),
        "node": if deployed { json!(format!("node{:02}.example.com", i % 12 + 1)) } else { Value::Null },
        "owner": if i % 5 == 0 { "admin" } else { "alice" },
        "status": if deployed { VM_STATUSES[i % 6] } else { "notcreated" },
        "node_status": if deployed { json!(NODE_STATUSES[usize::from(i % 17 == 0)]) } else { Value::Null },
        "vcpus": 1 + i % 16,
        "ram": 512 * (1 + i % 32),
        "disk": 10240 * (1 + i % 20),
        "ips": [format!("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256)],
        "uptime": i * 3600 % 2_592_000,
        "locked": i % 11 == 0,
        "changed": i % 4 == 0,
        "tags": if i % 3 == 0 { json!(["web", "prod"]) } else { json!([]) },
        "snapshot_define_inactive": i % 2,
        "snapshot_define_active": i % 3,
        "snapshots": i % 9,
        "backup_define_inactive": 0,
        "backup_define_active": i % 2,
        "backups": i % 5,
        "slaves": 0,
        "size_snapshots": 1024 * (i % 9),
        "size_backups": 2048 * (i % 5),
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("json! of an object literal is an object"),
    }
}

/// `vm` as the `full` form shows it: without the extended members.
pub fn full(vm: &Map<String, Value>) -> Value {
    let mut shown = vm.clone();
    for name in EXTENDED_MEMBERS {
        shown.remove(name);
    }
    Value::Object(shown)
}

/// One task log entry.
#[allow(clippy::too_many_arguments)]
pub fn log_entry(time: &str, task: &str, status: &str, msg: &str, detail: &str, object: &str, flag: u8) -> Value {
    json!({
        "time": time,
        "task": task,
        "status": status,
        "username": "admin",
        "msg": msg,
        "detail": detail,
        "object_name": object,
        "object_alias": object.split('.').next().unwrap_or(object),
        "object_type": "vm",
        "flag": flag,
    })
}

/// A time `seconds` after a fixed start, as the server writes it.
pub fn time(seconds: u64) -> String {
    let (h, m, s) = (10 + seconds / 3600 % 14, seconds / 60 % 60, seconds % 60);
    format!("2024-05-01T{h:02}:{m:02}:{s:02}.{:06}Z", seconds * 137 % 1_000_000)
}

/// The `result` of a finished VM task.
pub fn task_result(message: &str, returncode: i64) -> Value {
    json!({"message": message, "returncode": returncode})
}
