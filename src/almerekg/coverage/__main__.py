"""`python -m almerekg.coverage`: the ledger's report, its check, and a blind audit's sample and check.

The command lives beside the ledger (this package's __init__) and the audit (audit.py), so that the audit can read
the ledger without the ledger's module importing the audit back.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import coverage as ledger
from .. import settings as settings_table
from . import audit


def _check_audit(path: Path, data: Path) -> int:
    try:
        found = audit.problems(path, data)
        print(audit.summary(audit.read_audit(path)))
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    for message in found:
        print(message)
    return 1 if found else 0



def main(argv: list[str] | None = None) -> int:
    args = ledger.parser().parse_args(argv)
    data = settings_table.load(args).data_dir
    if args.check:
        found = ledger.problems(data)
        for message in found:
            print(message)
        return 1 if found else 0
    if args.draw is not None:
        print("\n".join(audit.sample_text(args.draw, data)))
        return 0
    if args.audit:
        return _check_audit(Path(args.audit), data)
    print(ledger.render_table(ledger.read_ledger(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
