"""A name with a character no certificate font can print is refused when the learner saves it.

The check itself lives in accounts (`lms.accounts.names.normalise_name` calls
`lms.typography.typesetting.uncovered_characters`); these tests hold it to what certificates need.
"""

from __future__ import annotations

from tests import factories

UNPRINTABLE = "\U00020000"  # CJK Extension B: outside the shipped CJK subset


def test_profile_refuses_a_name_that_cannot_be_printed(client, login, db):
    user = factories.make_user(full_name="Wang Wei")
    db.session.commit()
    response = login(user).submit(
        "/account",
        {"full_name": f"王{UNPRINTABLE}", "gender": "man", "country": "CN", "profile_role": "faculty"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert UNPRINTABLE in page and "U+20000" in page
    db.session.refresh(user)
    assert user.full_name == "Wang Wei"


def test_registration_refuses_a_name_that_cannot_be_printed(client, app_context):
    response = client.submit(
        "/register",
        {
            "full_name": f"Ali {UNPRINTABLE}",
            "email": "ali@example.org",
            "password": "mango river lantern 42",
            "gender": "man",
            "country": "KE",
            "institution": "",
            "profile_role": "faculty",
        },
    )
    assert response.status_code == 400
    assert "U+20000" in response.get_data(as_text=True)
