"""Reporting for the validation check scripts: one line per check, a count, and the verdict of a
negative control (a run that must make the targeted checks fail)."""


def report(checks, expect_fail=None):
    """Prints (name, ok, detail) checks and returns the exit status: 0 when every check passed,
    or - with expect_fail, a list of name fragments - when every targeted check failed."""
    width = max(len(c[0]) for c in checks)
    for name, ok, detail in checks:
        print(f"{'pass' if ok else 'FAIL'}  {name:<{width}}  {detail}")
    failed = [c for c in checks if not c[1]]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed")
    if expect_fail:
        targeted = [c for c in checks if any(t in c[0] for t in expect_fail)]
        ok = bool(targeted) and all(not c[1] for c in targeted)
        print(f"negative control: {len(targeted)} targeted check(s), "
              f"{'all failed as expected' if ok else 'NOT all failed'}")
        return 0 if ok else 1
    return 1 if failed else 0
