#!/usr/bin/env python3
"""Wire-compatibility oracle: the official oVirt Python SDK (ovirtsdk4 4.6.3).

Used by `tests/ovirt/tests/xml_oracle.rs`. Python 3.11, standard library and
`ovirtsdk4` only.

    types_oracle.py build FACTS OUT_DIR
        For every struct type of the facts file, builds an object with every
        member set (deterministic, awkward values) and writes it with the SDK's
        writer to OUT_DIR/<Name>.py.xml. Prints one JSON line.

    types_oracle.py check FACTS OUT_DIR
        For every struct type, reads OUT_DIR/<Name>.rs.xml (written by the Rust
        SDK) with the SDK's reader, compares it member by member with the object
        `build` makes, and writes the SDK's re-serialisation of what it read to
        OUT_DIR/<Name>.py2.xml. Prints one JSON line:
        {"types": N, "ok": N, "values": N, "failures": [{"type": ..., "diffs": [...]}, ...]}
        (`values`: how many primitive and enum values were compared).

The members of each type come from the facts (`types[].attributes` and
`links`, flattened through `base`), not from the SDK, so a member the SDK
lacks is an error rather than silently untested.
"""

import datetime
import json
import keyword
import math
import os
import sys
import traceback

import ovirtsdk4
import ovirtsdk4.readers  # noqa: F401  (registers the readers)
import ovirtsdk4.writers  # noqa: F401  (registers the writers)
from ovirtsdk4 import types
from ovirtsdk4.reader import Reader
from ovirtsdk4.writer import Writer

# How many differing paths are reported per type.
MAX_DIFFS = 8

# Struct members at this depth and below only get `id`/`name` (or a couple of
# primitives), to keep the documents small.
SHALLOW_DEPTH = 2

STRINGS = [
    "a&b<c>d]]>e\"f'g\th\ni \u00e9 \u4e2d",
    "plain",
    "",
    "   ",
    " \t\n ",
    "<![CDATA[not a section]]>",
    "&amp; is not an entity here",
    " leading and trailing ",
    "line1\r\nline2\rline3\n",
    "emoji \U0001F600 \u00fc\u00df",
    "quotes \"double\" 'single' & <tag/>",
    "x",
]

# Items of lists of strings: an empty item must stay an (empty) item.
LIST_STRINGS = ["", "a&b<c>\t\u00e9", " ", "x y", "\u4e2d\r\n"]

# Values of `id` attributes (attribute normalisation of tab/LF/CR matters).
IDS = [
    "123e4567-e89b-12d3-a456-426614174000",
    "id &<>\"' \t\n\r \u00e9\u4e2d",
    "",
    " ",
    "00000000-0000-0000-0000-000000000001",
]

INTEGERS = [
    2,
    0,
    -1,
    4294967296123,
    2147483647,
    -2147483648,
    9223372036854775807,
    -9223372036854775808,
    -4294967296123,
    1,
]

DECIMALS = [1.5, 0.1, -2.25, 0.0, -0.0, 100.0, 3.141592653589793, 1e-07, 1e20, 123456789.125, -1.0e-300]


def _tz(minutes):
    return datetime.timezone(datetime.timedelta(minutes=minutes))


DATES = [
    datetime.datetime(2016, 9, 8, 9, 53, 35, 138000, tzinfo=_tz(120)),
    datetime.datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=_tz(-330)),
    datetime.datetime(1999, 12, 31, 0, 0, 0, 0, tzinfo=_tz(0)),
    datetime.datetime(2038, 1, 19, 3, 14, 7, 123456, tzinfo=_tz(14 * 60)),
    datetime.datetime(1970, 1, 1, 0, 0, 0, 1000, tzinfo=_tz(-12 * 60)),
]


def python_name(snake):
    """The SDK's spelling of a member: keywords get a trailing `_`."""
    return snake + "_" if keyword.iskeyword(snake) else snake


class Facts:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        self.types = {t["name"]: t for t in data["types"]}
        self.order = [t["name"] for t in data["types"]]
        self.enums = {e["name"]: e for e in data["enums"]}
        self._members = {}

    def members(self, name):
        """Every member of the type, inherited ones first, as in the facts."""
        if name not in self._members:
            chain = []
            t = self.types[name]
            while t is not None:
                chain.append(t)
                t = self.types[t["base"]] if t["base"] else None
            out = []
            seen = set()
            for t in reversed(chain):
                for m in t["attributes"] + t["links"]:
                    if m["snake"] in seen:
                        raise SystemExit(f"{name}: member {m['snake']} declared twice")
                    seen.add(m["snake"])
                    out.append(m)
            flat = self.types[name]["flattened"]
            if len(out) != flat["attributes"] + flat["links"]:
                raise SystemExit(f"{name}: {len(out)} members, facts say {flat}")
            self._members[name] = out
        return self._members[name]

    def has_string_id(self, name):
        return any(m["snake"] == "id" and m["type"] == "String" for m in self.members(name))

    def sdk_class(self, name):
        cls = getattr(types, name, None)
        if cls is None:
            raise SystemExit(f"ovirtsdk4.types has no class {name}")
        return cls

    def enum_class(self, name):
        cls = getattr(types, name, None)
        if cls is None:
            raise SystemExit(f"ovirtsdk4.types has no enum {name}")
        return cls


def set_member(obj, snake, value):
    name = python_name(snake)
    prop = getattr(type(obj), name, None)
    if not isinstance(prop, property):
        # setattr would silently create a plain attribute the writer ignores.
        raise SystemExit(f"{type(obj).__name__} has no property {name} (member {snake})")
    setattr(obj, name, value)


class Builder:
    """Builds the objects of one type; a fresh builder gives the same values."""

    def __init__(self, facts):
        self.facts = facts
        self.counters = {}

    def next(self, kind, values):
        i = self.counters.get(kind, 0)
        self.counters[kind] = i + 1
        return values[i % len(values)]

    def primitive(self, typ):
        if typ == "String":
            return self.next("string", STRINGS)
        if typ == "Boolean":
            return self.next("boolean", [True, False])
        if typ == "Integer":
            return self.next("integer", INTEGERS)
        if typ == "Decimal":
            return self.next("decimal", DECIMALS)
        if typ == "Date":
            return self.next("date", DATES)
        raise SystemExit(f"unknown primitive type {typ}")

    def enum(self, name):
        return self.next("enum:" + name, list(self.facts.enum_class(name)))

    def ident(self):
        return self.next("id", IDS)

    def href(self, name):
        n = self.counters.get("href", 0)
        self.counters["href"] = n + 1
        plural = self.facts.types[name]["xml_plural"]
        return f"/ovirt-engine/api/{plural}/{n}?follow=a&x=\u00e9"

    def value(self, m, depth, list_index):
        kind, typ = m["type_kind"], m["type"]
        if m["list"]:
            if kind == "primitive" and typ == "String":
                return [self.next("list-string", LIST_STRINGS), self.next("list-string", LIST_STRINGS)]
            if kind == "primitive":
                return [self.primitive(typ), self.primitive(typ)]
            if kind == "enum":
                return [self.enum(typ), self.enum(typ)]
            items = ovirtsdk4.List()
            shape = list_index % 3 if depth == 0 else 0
            if shape == 2:
                # Only a link, as the engine sends most lists
                # (`<link rel="nics" href="..."/>`): an empty list with an
                # `href`, which the SDK writes as `<nics href="..."/>`.
                items.href = self.href(typ)
                return items
            items.append(self.struct(typ, depth + 1))
            items.append(self.struct(typ, depth + 1))
            if shape == 1:
                # An inline list that also says where it can be fetched
                # (`<nics href="..."><nic/>...</nics>`).
                items.href = self.href(typ)
            return items
        if kind == "primitive":
            return self.primitive(typ)
        if kind == "enum":
            return self.enum(typ)
        if self.next("link-like", [False, False, True]) and self.facts.has_string_id(typ):
            # A reference as the server sends it: only `id` and `href`.
            obj = self.facts.sdk_class(typ)()
            obj.id = self.ident()
            obj.href = self.href(typ)
            return obj
        return self.struct(typ, depth + 1)

    def struct(self, name, depth):
        obj = self.facts.sdk_class(name)()
        members = self.facts.members(name)
        if depth >= SHALLOW_DEPTH:
            chosen = [m for m in members if m["snake"] in ("id", "name")]
            if not chosen:
                chosen = [m for m in members if m["type_kind"] == "primitive" and not m["list"]][:2]
        else:
            chosen = members
            obj.href = self.href(name)
        list_index = 0
        for m in chosen:
            if m["snake"] == "id" and m["type"] == "String":
                value = self.ident()
            else:
                value = self.value(m, depth, list_index)
            if m["list"] and m["type_kind"] == "struct":
                list_index += 1
            set_member(obj, m["snake"], value)
        return obj


def build_object(facts, name):
    return Builder(facts).struct(name, 0)


# ---------------------------------------------------------------------------
# Comparison (the SDK's types have no meaningful __eq__)
# ---------------------------------------------------------------------------


def show(value):
    if value is None:
        return "None"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, ovirtsdk4.Struct):
        return f"<{type(value).__name__}>"
    if isinstance(value, list):
        href = getattr(value, "href", None)
        return f"[{len(value)} items{', href ' + repr(href) if href is not None else ''}]"
    if hasattr(value, "value") and not isinstance(value, (str, int, float)):
        return f"{type(value).__name__}.{value.name} ({value.value!r})"
    return repr(value)


class Comparer:
    def __init__(self, facts):
        self.facts = facts
        self.diffs = []
        self.values = 0

    def differ(self, path, expected, got):
        self.diffs.append(f"{path}: expected {show(expected)}, got {show(got)}")

    def scalar(self, path, kind, typ, expected, got):
        self.values += 1
        if expected is None or got is None:
            if expected is not got:
                self.differ(path, expected, got)
            return
        if kind == "enum":
            same = got is expected
        elif typ == "String":
            same = isinstance(got, str) and got == expected
        elif typ == "Boolean":
            same = isinstance(got, bool) and got == expected
        elif typ == "Integer":
            same = isinstance(got, int) and not isinstance(got, bool) and got == expected
        elif typ == "Decimal":
            same = isinstance(got, float) and (
                repr(got) == repr(expected) or (math.isnan(got) and math.isnan(expected))
            )
        elif typ == "Date":
            same = (
                isinstance(got, datetime.datetime)
                and got == expected
                and got.utcoffset() == expected.utcoffset()
                and got.isoformat() == expected.isoformat()
            )
        else:
            raise SystemExit(f"unknown primitive type {typ}")
        if not same:
            self.differ(path, expected, got)

    def member(self, path, m, expected, got):
        if expected is None or got is None:
            if expected is not got:
                self.differ(path, expected, got)
            return
        kind, typ = m["type_kind"], m["type"]
        if m["list"]:
            if not isinstance(got, list):
                self.differ(path, expected, got)
                return
            if len(got) != len(expected):
                self.differ(path, expected, got)
                return
            exp_href = getattr(expected, "href", None)
            got_href = getattr(got, "href", None)
            if exp_href != got_href:
                self.diffs.append(f"{path}.href: expected {exp_href!r}, got {got_href!r}")
            for i, (e, g) in enumerate(zip(expected, got)):
                if kind == "struct":
                    self.struct(f"{path}[{i}]", typ, e, g)
                else:
                    self.scalar(f"{path}[{i}]", kind, typ, e, g)
        elif kind == "struct":
            self.struct(path, typ, expected, got)
        else:
            self.scalar(path, kind, typ, expected, got)

    def struct(self, path, name, expected, got):
        if expected is None or got is None:
            if expected is not got:
                self.differ(path, expected, got)
            return
        cls = self.facts.sdk_class(name)
        if type(got) is not cls:
            self.diffs.append(f"{path}: expected a {cls.__name__}, got {type(got).__name__}")
            return
        if expected.href != got.href:
            self.diffs.append(f"{path}.href: expected {expected.href!r}, got {got.href!r}")
        for m in self.facts.members(name):
            attr = python_name(m["snake"])
            self.member(f"{path}.{m['snake']}", m, getattr(expected, attr), getattr(got, attr))


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def build(facts, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    total = 0
    for name in facts.order:
        text = Writer.write(build_object(facts, name))
        data = text.encode("utf-8")
        total += len(data)
        with open(os.path.join(out_dir, f"{name}.py.xml"), "wb") as f:
            f.write(data)
    return {"types": len(facts.order), "written": len(facts.order), "bytes": total}


def check(facts, out_dir):
    failures = []
    values = 0
    for name in facts.order:
        try:
            with open(os.path.join(out_dir, f"{name}.rs.xml"), "rb") as f:
                data = f.read()
            got = Reader.read(data)
            comparer = Comparer(facts)
            comparer.struct(name, name, build_object(facts, name), got)
            with open(os.path.join(out_dir, f"{name}.py2.xml"), "wb") as f:
                f.write(Writer.write(got).encode("utf-8"))
            diffs = comparer.diffs
            values += comparer.values
        except Exception as e:  # a failure of one type must not hide the others
            diffs = [f"{name}: {type(e).__name__}: {e}", traceback.format_exc(limit=3)]
        if diffs:
            failures.append({"type": name, "count": len(diffs), "diffs": diffs[:MAX_DIFFS]})
    n = len(facts.order)
    return {"types": n, "ok": n - len(failures), "values": values, "failures": failures}


def main(argv):
    if len(argv) != 4 or argv[1] not in ("build", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    command, facts_path, out_dir = argv[1:]
    facts = Facts(facts_path)
    result = build(facts, out_dir) if command == "build" else check(facts, out_dir)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
