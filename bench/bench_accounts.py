"""Accounts: does the time `/register` takes tell whether an address already has an account?

POST /register through the real route (form, CSRF, checks, scrypt, commit, the mail written to
the outbox) for a new address, for an address that has a confirmed account, and for one that
registered but never confirmed, interleaved round by round on a throwaway SQLite database. The
new address is the baseline. Also the user loader (the one statement every signed-in request
makes) against a plain primary-key `db.session.get`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

ROUNDS = 25
LOADS = 2000
FORM = {
    "full_name": "Bench Person",
    "password": "tamarind lantern 2026",
    "gender": "unstated",
    "country": "KE",
    "institution": "Bench University",
    "profile_role": "faculty",
}


def main(argv: list[str]) -> None:
    from lms import create_app
    from lms.accounts import sessions
    from lms.accounts.models import User
    from lms.extensions import db
    from tests.conftest import Client
    from tests.factories import make_user

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
                "BASE_URL": "http://localhost",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "OUTBOX_DIR": str(Path(folder) / "outbox"),
                "CERTIFICATE_KEY_PATH": str(Path(folder) / "key.pem"),
            }
        )
        app.test_client_class = Client
        app.logger.setLevel("ERROR")  # one "mail written to the outbox" line per request otherwise
        with app.app_context():
            db.create_all()
            make_user(email="taken@example.org")
            db.session.commit()
        client = app.test_client()
        client.submit("/register", {**FORM, "email": "pending@example.org"})  # never confirmed
        token = client.csrf_token()
        samples: dict[str, list[float]] = {
            "new address": [],
            "confirmed account": [],
            "unconfirmed account": [],
        }
        for round_number in range(ROUNDS):
            for kind, email in (
                ("new address", f"new{round_number}@example.org"),
                ("confirmed account", "taken@example.org"),
                ("unconfirmed account", "pending@example.org"),
            ):
                started = time.perf_counter()
                response = client.post("/register", data={**FORM, "email": email, "csrf_token": token})
                samples[kind].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
        baseline = statistics.median(samples["new address"])
        print(f"POST /register, {ROUNDS} interleaved rounds, SQLite, mail to the outbox\n")
        print("| address | median ms | ratio to new address |")
        print("| --- | ---: | ---: |")
        for kind, values in samples.items():
            median = statistics.median(values)
            print(f"| {kind} | {median:.1f} | {median / baseline:.2f} |")

        with app.app_context():
            user = db.session.execute(db.select(User).where(User.email == "taken@example.org")).scalar_one()
            with app.test_request_context():
                key = sessions.start(user, remember=False, user_agent="bench")
                db.session.commit()
                user_id = user.id
                timings = {"db.session.get(User, id)": [], "sessions.load(key)": []}
                for _ in range(5):
                    for name, load in (
                        ("db.session.get(User, id)", lambda: db.session.get(User, user_id)),
                        ("sessions.load(key)", lambda: sessions.load(key)),
                    ):
                        started = time.perf_counter()
                        for _ in range(LOADS // 5):
                            db.session.expunge_all()
                            assert load() is not None
                        timings[name].append((time.perf_counter() - started) * 1e6 / (LOADS // 5))
            base = statistics.median(timings["db.session.get(User, id)"])
            print(f"\nUser loader, {LOADS} loads each, identity map emptied before each\n")
            print("| loader | median µs per load | ratio |")
            print("| --- | ---: | ---: |")
            for name, values in timings.items():
                median = statistics.median(values)
                print(f"| {name} | {median:.0f} | {median / base:.2f} |")
            db.session.remove()
            db.engine.dispose()
