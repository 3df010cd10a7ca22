#!/usr/bin/env python3
"""Lines of code of src/ at one or more git revisions: non-blank lines that are not `//` comments,
outside test code (files named tests.rs, *_tests.rs or oracle.rs, and everything after a
file's `#[cfg(test)] mod tests`). Usage: scripts/src-lines.py REV [REV ...]"""
import subprocess
import sys

TEST_FILES = ("tests.rs", "oracle.rs")


def git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def lines_at(rev):
    total = 0
    for path in git("ls-tree", "-r", "--name-only", rev, "src").split("\n"):
        name = path.rsplit("/", 1)[-1]
        if not name.endswith(".rs") or name in TEST_FILES or name.endswith("_tests.rs"):
            continue
        text = git("show", f"{rev}:{path}")
        cut = text.find("\n#[cfg(test)]\nmod tests")
        if cut >= 0:
            text = text[:cut]
        total += sum(1 for l in text.split("\n") if l.strip() and not l.strip().startswith("//"))
    return total


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for rev in sys.argv[1:]:
        print(rev, lines_at(rev))
