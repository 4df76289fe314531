"""Pictures of a lesson on a phone for the README (docs/lesson-phone-*.png).

Run from the repository: `.venv/bin/python tools/screenshots.py` (needs Debian's Chromium and the
test extra's Playwright). It builds a throw-away site with the shipped courses in a temporary
folder, signs a learner in and photographs the same lesson in the English, Arabic and Chinese interfaces
at 360 x 760 pixels, the size of a small Android phone.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lms import create_app  # noqa: E402
from lms.accounts.models import Gender, ProfileRole, User  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.roles import Role  # noqa: E402

LESSON = "/courses/inclusive-digital-teaching/lessons/accessible-documents-alt-text-and-contrast"
PASSWORD = "screenshots only 2026"  # noqa: S105 (a throw-away site in a temporary folder)


def site(folder: Path):
    app = create_app(
        {
            "SECRET_KEY": "screenshots",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'site.sqlite3'}",
            "MEDIA_DIR": str(folder / "media"),
            "OFFLINE_DIR": str(folder / "offline"),
            "OUTBOX_DIR": str(folder / "outbox"),
            "CERTIFICATE_KEY_PATH": str(folder / "key.pem"),
            "RATELIMIT_ENABLED": False,
            "BASE_URL": "http://127.0.0.1",
        }
    )
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["courses", "import"])
        assert result.exit_code == 0, result.output
        db.session.add(
            User(
                email="learner@example.org", full_name="Fatou Diallo", role=Role.LEARNER, gender=Gender.WOMAN,
                country="SN", institution="Université Cheikh Anta Diop", profile_role=ProfileRole.FACULTY,
                password_hash=generate_password_hash(PASSWORD),
            )
        )  # fmt: skip
        db.session.commit()
    return app


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary:
        server = make_server("127.0.0.1", 0, site(Path(temporary)), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(base_url=base, viewport={"width": 360, "height": 760})
            page.goto("/login")
            page.fill("input[name=email]", "learner@example.org")
            page.fill("input[name=password]", PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.goto("/courses/inclusive-digital-teaching")
            page.locator("form[action$='/enrol'] button").click()
            for language in ("en", "ar", "zh"):
                page.context.add_cookies([{"name": "lang", "value": language, "url": base}])
                page.goto(LESSON)
                page.screenshot(path=str(ROOT / "docs" / f"lesson-phone-{language}.png"))
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
