"""The running platform never imports fontTools: it is only the font build tool's dependency
(tools/fontbuild.py), and the test suite's. A fresh interpreter shows what the app itself loads."""

import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]

# Creates the app, completes a one-lesson course through the web routes and downloads the PDF.
SCRIPT = """
import re, sys, tempfile
from pathlib import Path
from lms import create_app
from lms.extensions import db
from tests import factories

folder = Path(tempfile.mkdtemp())
app = create_app({
    "TESTING": True, "SECRET_KEY": "k", "SERVER_NAME": None, "RATELIMIT_ENABLED": False,
    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}",
    "CERTIFICATE_KEY_PATH": str(folder / "key.pem"), "OUTBOX_DIR": str(folder / "outbox"),
})
with app.app_context():
    db.create_all()
    factories.make_course("one", modules=1, lessons=1, quiz=False, rule="all-lessons")
    email = factories.make_user(full_name="Nguyễn Thị Lan").email
    db.session.commit()
client = app.test_client()

def post(page, url, data):
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token.group(1)})

assert post("/login", "/login", {"email": email, "password": factories.DEFAULT_PASSWORD}).status_code == 302
assert post("/courses/one", "/courses/one/enrol", {}).status_code == 302
assert post("/courses/one/lessons/m1-l1", "/courses/one/lessons/m1-l1/complete", {}).status_code == 302
(link,) = re.findall(r'href="(/certificates/[0-9]+[.]pdf)"', client.get("/certificates").text)
assert client.get(link).data.startswith(b"%PDF-")
print(sorted(name for name in sys.modules if name.split(".")[0] == "fontTools"))
"""


def test_creating_the_app_and_printing_a_certificate_never_imports_fonttools():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=CHECKOUT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"runtime imported {result.stdout.strip()}"
