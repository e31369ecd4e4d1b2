"""``python -m mockcml.migrations new "message"``: write the next revision after a model
change; ``python -m mockcml.migrations check``: exit 1 while models and head differ."""

from __future__ import annotations

import sys

USAGE = 'usage: python -m mockcml.migrations new "what changed" | check'


def main(argv: list[str]) -> int:
    from mockcml import migrations

    if argv[:1] == ["new"] and len(argv) == 2 and argv[1].strip():
        path = migrations.new(argv[1])
        print(f"wrote {path}: review it (autogenerate misses renames and data moves)")
        return 0
    if argv == ["check"]:
        diff = migrations.drift()
        if not diff:
            print("migrations: the models match head")
            return 0
        print("migrations: the models differ from the newest revision:", file=sys.stderr)
        for item in diff:
            print(f"  {item}", file=sys.stderr)
        print('add a revision: python -m mockcml.migrations new "what changed" (then review '
              "the file under mockcml/migrations/versions/)", file=sys.stderr)
        return 1
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
