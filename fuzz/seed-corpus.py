#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the project's own data (the corpus itself is not committed).

  json, initiative, validate: fixtures/initiatives/**, fixtures/batch/**, rules/tests/inputs/**,
                    fixtures/hostile/initiatives/* (.json files, and each line of a JSONL file)
  expr:             every expression string in rules/**/*.toml, fixtures/expr/invalid/*.expr and
                    fixtures/hostile/expressions/*
  rule_file:        rules/**/*.toml, fixtures/rules/invalid/*.toml, fixtures/hostile/rules/*, each
                    prefixed with the byte that makes the target put it where it belongs
                    (0 an extra rule file, 1 input.toml, 2 catalog.toml)

Run from anywhere: python3 fuzz/seed-corpus.py
"""

import hashlib
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
EXPR_KEYS = {"expr", "applies", "require", "deadline", "for_each", "label", "valid_from",
             "valid_until", "reference_date"}


def put(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def files(*globs):
    for g in globs:
        yield from sorted(p for p in ROOT.glob(g) if p.is_file())


def expressions(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k in EXPR_KEYS and isinstance(v, str):
                yield v
            else:
                yield from expressions(v)
    elif isinstance(value, list):
        for v in value:
            yield from expressions(v)


def main():
    for p in files("fixtures/initiatives/**/*", "fixtures/batch/**/*.json*", "rules/tests/inputs/**/*.json*",
                   "fixtures/hostile/initiatives/*"):
        data = p.read_bytes()
        chunks = data.splitlines() if p.suffix == ".jsonl" else [data]
        for c in chunks:
            put("json", c)
            put("initiative", c)
            put("validate", c)
    for p in files("rules/**/*.toml"):
        try:
            doc = tomllib.loads(p.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        for e in expressions(doc):
            put("expr", e.encode())
    for p in files("fixtures/expr/invalid/*.expr", "fixtures/hostile/expressions/*"):
        put("expr", p.read_bytes())
    for p in files("rules/**/*.toml", "fixtures/rules/invalid/*.toml", "fixtures/hostile/rules/*"):
        which = {"input.toml": 1, "catalog.toml": 2}.get(p.name, 0)
        if "tests" in p.relative_to(ROOT).parts or "generator" in p.parts:
            continue
        put("rule_file", bytes([which]) + p.read_bytes())


main()
