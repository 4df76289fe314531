"""Starting a worker is cheap: nothing slow runs when the application is imported and built."""

from __future__ import annotations

import subprocess
import sys

from lms import paths

NO_SCRYPT = """
import hashlib, sys
def refuse(*args, **kwargs):
    raise SystemExit("scrypt computed while building the application")
hashlib.scrypt = refuse
import wsgi
print("built", wsgi.app.name)
"""


def test_building_the_application_computes_no_password_hash(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", NO_SCRYPT],
        cwd=paths.CHECKOUT_DIR,
        env={"LMS_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin", "SECRET_KEY": "startup-test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "built lms" in done.stdout


def test_signing_in_with_an_unknown_address_still_costs_a_scrypt_check(app_context, monkeypatch):
    """The dummy hash is made on first use; the time of an unknown address still matches a known one."""
    import hashlib

    from lms.accounts import services

    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert services.authenticate("nobody@example.org", "some password here") is None
    assert calls
