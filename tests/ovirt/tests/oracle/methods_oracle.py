#!/usr/bin/env python3
"""Method-level wire oracle: makes every call of a plan with the official
oVirt Python SDK (ovirtsdk4 4.6.3). Used by `tests/ovirt/tests/wire_methods.rs`.
Python 3.11, standard library and `ovirtsdk4` only.

    methods_oracle.py PLAN OUT

PLAN is a JSON file written by the Rust test:

    {"url": "http://127.0.0.1:PORT/ovirt-engine/api", "token": "...",
     "facts": "path/to/facts.json",
     "calls": [{"id": "Vms.add_from_scratch", "service_path": "vms",
                "python_service": null, "python_method": "add_from_scratch",
                "result": {"ty": "Vm", "list": false} or null,
                "args": [{"python": "vm", "ty": "Vm", "kind": "struct",
                          "list": false, "value": "<vm id=...>...</vm>"}, ...]},
               ...]}

`python_service` names the SDK class of a service no path leads to (a base
service of the model, such as `CopyableService`); it is then made directly
at `service_path`. Otherwise the service is found with
`connection.service(service_path)`.

Argument values: structs are XML documents read with the SDK's reader (a
list of structs is a list of documents), enums are wire values, decimals and
dates are their wire text, other primitives are JSON values.

Every call is made with `headers={'X-Oracle-Call': id}` on a connection
made with the token (so there is no SSO exchange). What each call gave back
is written to OUT:

    {"calls": N, "ok": N, "results": [
        {"id": ..., "result": {"kind": "none"}},
        {"id": ..., "result": {"kind": "object", "xml": "<vm .../>"}},
        {"id": ..., "result": {"kind": "objects", "items": ["<vm/>", ...]}},
        {"id": ..., "result": {"kind": "text", "text": "true"}},
        {"id": ..., "result": {"kind": "texts", "items": ["a", "b"]}},
        {"id": ..., "error": "Error: ...", "trace": "..."}]}

A failing call is reported, never skipped; the other calls still run. One
JSON summary line is printed last.

The SDK classes of types and enums are found through `types_oracle.Facts`
(the type-level oracle beside this file), so both oracles agree on names.
"""

import datetime
import inspect
import json
import os
import sys
import traceback

import ovirtsdk4
import ovirtsdk4.readers  # noqa: F401  (registers the readers)
import ovirtsdk4.services
import ovirtsdk4.writers  # noqa: F401  (registers the writers)
from ovirtsdk4.reader import Reader
from ovirtsdk4.writer import Writer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from types_oracle import Facts  # noqa: E402

PRIMITIVES = ("String", "Boolean", "Integer", "Decimal", "Date")


class Plan:
    def __init__(self, facts):
        self.facts = facts

    def scalar(self, arg, value):
        kind, ty = arg["kind"], arg["ty"]
        if kind == "struct":
            obj = Reader.read(value.encode("utf-8"))
            cls = self.facts.sdk_class(ty)
            if type(obj) is not cls:
                raise ValueError(f"argument {arg['python']}: the XML reads as {type(obj).__name__}, not {ty}")
            return obj
        if kind == "enum":
            return self.facts.enum_class(ty)(value)
        if ty == "String":
            return value
        if ty == "Boolean":
            if not isinstance(value, bool):
                raise ValueError(f"argument {arg['python']}: {value!r} is not a boolean")
            return value
        if ty == "Integer":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"argument {arg['python']}: {value!r} is not an integer")
            return value
        if ty == "Decimal":
            return float(value)
        if ty == "Date":
            return datetime.datetime.fromisoformat(value)
        raise ValueError(f"argument {arg['python']}: unknown type {ty}")

    def argument(self, arg):
        if arg["list"]:
            # The SDK checks `type(value) is list`, so a plain list it is.
            return [self.scalar(arg, v) for v in arg["value"]]
        return self.scalar(arg, arg["value"])


def render_scalar(value):
    if isinstance(value, bool):
        return Writer.render_boolean(value)
    if isinstance(value, int):
        return Writer.render_integer(value)
    if isinstance(value, float):
        return Writer.render_decimal(value)
    if isinstance(value, datetime.datetime):
        return Writer.render_date(value)
    if isinstance(value, str):
        return value
    if hasattr(value, "value"):  # an enum
        return value.value
    raise ValueError(f"cannot render {type(value).__name__} {value!r}")


def describe(result, spec, facts):
    """What a call gave back, in the form the Rust side compares."""
    if result is None:
        return {"kind": "none"}
    if isinstance(result, ovirtsdk4.Struct):
        return {"kind": "object", "xml": Writer.write(result)}
    if isinstance(result, list):
        structs = spec is not None and spec["ty"] not in PRIMITIVES and spec["ty"] not in facts.enums
        if structs or any(isinstance(item, ovirtsdk4.Struct) for item in result):
            return {"kind": "objects", "items": [Writer.write(item) for item in result]}
        return {"kind": "texts", "items": [render_scalar(item) for item in result]}
    return {"kind": "text", "text": render_scalar(result)}


def check_keywords(method, kwargs):
    """The SDK's methods take `**kwargs` and ignore unknown names silently, so
    a wrong keyword would drop a parameter without a word."""
    accepted = set(inspect.signature(method).parameters)
    unknown = sorted(k for k in kwargs if k not in accepted)
    if unknown:
        raise TypeError(f"{method.__qualname__} has no parameter {', '.join(unknown)} (it has {sorted(accepted)})")


def find_service(connection, call):
    name = call.get("python_service")
    if name is None:
        return connection.service(call["service_path"])
    cls = getattr(ovirtsdk4.services, name, None)
    if cls is None:
        raise AttributeError(f"ovirtsdk4.services has no class {name}")
    # Service paths of the SDK start with `/` (the root's is empty).
    return cls(connection, "/" + call["service_path"])


def run(plan_data, facts):
    plan = Plan(facts)
    connection = ovirtsdk4.Connection(url=plan_data["url"], token=plan_data["token"], insecure=True)
    results = []
    ok = 0
    try:
        for call in plan_data["calls"]:
            entry = {"id": call["id"]}
            try:
                kwargs = {arg["python"]: plan.argument(arg) for arg in call["args"]}
                service = find_service(connection, call)
                method = getattr(service, call["python_method"], None)
                if method is None:
                    raise AttributeError(f"{type(service).__name__} has no method {call['python_method']}")
                check_keywords(method, kwargs)
                result = method(**kwargs, headers={"X-Oracle-Call": call["id"]})
                entry["result"] = describe(result, call.get("result"), facts)
                ok += 1
            except Exception as e:  # one failing call must not hide the others
                entry["error"] = f"{type(e).__name__}: {e}"
                entry["trace"] = traceback.format_exc(limit=6)
            results.append(entry)
    finally:
        # Keep the token: there is no SSO service to revoke it at.
        connection.close(logout=False)
    return {"calls": len(results), "ok": ok, "results": results}


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    plan_path, out_path = argv[1:]
    with open(plan_path, encoding="utf-8") as f:
        plan_data = json.load(f)
    output = run(plan_data, Facts(plan_data["facts"]))
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(output, f, ensure_ascii=False)
    print(json.dumps({"calls": output["calls"], "ok": output["ok"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
