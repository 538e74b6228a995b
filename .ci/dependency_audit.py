"""Run pip-audit over the installed environment and say plainly what it could and could not check.

pip-audit prints "No known vulnerabilities found" even when it could audit nothing (every package skipped
because the vulnerability database was out of reach). This never reports a clean audit that was not done:
- vulnerabilities found: listed, exit 1;
- every package checked, none found: "pip-audit: no known vulnerabilities in N packages", exit 0;
- the database could not be reached (or answered for no package): "pip-audit: could not check (no access to
  the vulnerability database)", exit 0: a machine without network must not fail CI, nor pass it as audited;
- some packages checked, some not: both counts and the names not checked, exit 0.
Usage: .venv/bin/python .ci/dependency_audit.py
"""
import json
import os
import subprocess  # nosec B404  # runs pip-audit from this venv with an argument list
import sys

NO_ACCESS = "pip-audit: could not check (no access to the vulnerability database)"


def main() -> int:
    pip_audit = os.path.join(os.path.dirname(sys.executable), "pip-audit")
    try:
        done = subprocess.run([pip_audit, "--local", "--format", "json", "--progress-spinner", "off",
                               "--timeout", "20"], capture_output=True, text=True, timeout=300)  # nosec B603
    except subprocess.TimeoutExpired:
        print(NO_ACCESS + " [timed out]")
        return 0
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print(NO_ACCESS)
        print("  " + (done.stderr.strip().splitlines() or ["(no output)"])[-1])
        return 0
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    checked = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in checked if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"pip-audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if not checked:
        print(NO_ACCESS + f" [0 of {len(deps)} packages checked]")
        return 0
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        print(f"pip-audit: checked {len(checked)} of {len(deps)} packages; could not check: {names}")
    if vulnerable:
        return 1
    print(f"pip-audit: no known vulnerabilities in the {len(checked)} packages checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
