"""Registration: what is accepted, what is refused and why, and that refusals change nothing."""

import re
import unicodedata

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Gender, ProfileRole, User
from tests import mailbox

VALID = {
    "full_name": "Amina Yusuf",
    "email": "amina@example.edu",
    "password": "tamarind lantern 2026",
    "gender": "woman",
    "country": "NG",
    "institution": "Ahmadu Bello University",
    "profile_role": "faculty",
}


def register(client, **changes):
    return client.submit("/register", {**VALID, **changes})


def confirmation_path(app) -> str:
    """The path of the confirmation link in the latest mail."""
    links = [
        link for body in mailbox.bodies(app) for link in mailbox.links(body) if "/register/confirm/" in link
    ]
    assert links, mailbox.bodies(app)
    return links[-1].removeprefix("http://localhost")


def register_and_confirm(app, client, **changes):
    assert register(client, **changes).status_code == 200
    password = changes.get("password", VALID["password"])
    response = client.submit(confirmation_path(app), {"password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def user_count(db) -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_registration_creates_a_learner_who_confirms_by_email(app, client, db):
    response = register(client)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    user = db.session.execute(select(User)).scalar_one()
    assert (user.email, user.role.value, user.gender, user.country) == (
        "amina@example.edu",
        "learner",
        Gender.WOMAN,
        "NG",
    )
    assert user.profile_role is ProfileRole.FACULTY
    assert user.password_hash.startswith("scrypt:")
    assert user.awaiting_confirmation
    assert client.get("/account").status_code == 302  # not signed in before confirming
    register_and_confirm_response = client.submit(confirmation_path(app), {"password": VALID["password"]})
    assert register_and_confirm_response.status_code == 302
    assert "Signed in as Amina Yusuf" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, user.id).awaiting_confirmation


@pytest.mark.parametrize(
    "name",
    ["فاطمة الزهراء", "王秀英", "ሰላማዊት ተስፋዬ", "Nguyễn Thị Phương", "زهرا محمدی"],
)
def test_names_in_any_script_are_stored_and_shown_exactly(app, client, db, name):
    register_and_confirm(app, client, full_name=name)
    assert db.session.execute(select(User.full_name)).scalar_one() == name
    assert name in client.get("/account").get_data(as_text=True)


def test_name_is_normalised_to_nfc(client, db):
    decomposed = "Nguye\u0302\u0303n"  # e + combining circumflex + combining tilde
    register(client, full_name=decomposed)
    assert db.session.execute(select(User.full_name)).scalar_one() == "Nguyễn"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "valid email address"),
        ({"password": "short1"}, "at least 10 characters"),
        ({"password": "Password123"}, "too common"),
        ({"full_name": "x" * 201}, "200 characters"),
        ({"full_name": "   "}, "This field is required"),
        ({"full_name": "Ali\u202eilA"}, "text-direction control"),
        ({"full_name": "Ali\u2066x\u2069"}, "text-direction control"),
        ({"country": "XX"}, "Not a valid choice"),
        ({"gender": "robot"}, "Not a valid choice"),
    ],
)
def test_bad_registrations_are_refused_with_a_message_and_change_nothing(
    client, db, make_user, changes, message
):
    make_user(email="existing@example.edu")
    before = user_count(db)
    response = register(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert user_count(db) == before


def test_form_without_csrf_token_is_refused(client, db):
    response = client.post("/register", data=VALID)
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)
    assert user_count(db) == 0


def test_registration_page_explains_why_gender_is_asked(client):
    page = client.get("/register").get_data(as_text=True)
    assert "benefit equally" in page and "Prefer not to say" in page


def test_fields_are_labelled_and_errors_tied_to_them(client):
    page = register(client, password="short").get_data(as_text=True)
    assert '<label for="password">' in page
    assert 'aria-describedby="password-hint password-error"' in page
    assert 'aria-invalid="true"' in page


def test_a_name_no_certificate_font_can_print_is_refused_with_the_character(client, db):
    response = register(client, full_name="Ada \U00010000")  # Linear B syllable
    assert response.status_code == 400
    assert "cannot be printed on a certificate" in response.get_data(as_text=True)
    assert "U+10000" in response.get_data(as_text=True)
    assert user_count(db) == 0


def long_vietnamese_name(length: int) -> str:
    """A Vietnamese name of ``length`` characters once precomposed (NFC), ending in a letter."""
    words = [
        "Nguyễn",
        "Thị",
        "Phương",
        "Hoàng",
        "Ngọc",
        "Diễm",
        "Trần",
        "Quốc",
        "Bảo",
        "Lê",
        "Thị",
        "Huyền",
        "Trâm",
    ]
    name = ""
    while len(name) < length:
        name += ("" if not name else " ") + words[len(name) % len(words)]
    return name[: length - 1].rstrip() + "ễ" * (length - len(name[: length - 1].rstrip()))


def test_the_name_limit_counts_characters_after_nfc_not_as_typed(client, db):
    name = long_vietnamese_name(195)
    decomposed = unicodedata.normalize("NFD", name)
    assert len(name) == 195 and len(decomposed) > 230  # as a keyboard sending combining accents types it
    assert register(client, full_name=decomposed).status_code == 200
    assert db.session.execute(select(User.full_name)).scalar_one() == name


def test_a_name_of_more_than_200_characters_after_nfc_is_refused_however_typed(client, db):
    name = long_vietnamese_name(201)
    for typed in (name, unicodedata.normalize("NFD", name)):
        response = register(client, full_name=typed)
        assert response.status_code == 400
        assert "at most 200 characters" in response.get_data(as_text=True)
    assert user_count(db) == 0


def test_every_unprintable_character_is_listed_once_in_the_order_typed(client, db):
    unprintable = [chr(0x13000 + n) for n in range(40)]  # 40 Egyptian hieroglyphs
    name = "Ada " + "".join(unprintable) + " " + "".join(reversed(unprintable))
    page = register(client, full_name=name).get_data(as_text=True)
    message = page.split("These 40 characters cannot be printed on a certificate:", 1)[1]
    listed = re.findall(r"\(U\+([0-9A-F]{4,6})\)", message.split("Please write your name", 1)[0])
    assert listed == [f"{ord(char):04X}" for char in unprintable]
    assert user_count(db) == 0


def test_one_unprintable_character_is_named_in_the_singular(client, db):
    page = register(client, full_name="Ada \U00013000").get_data(as_text=True)  # a hieroglyph
    assert "This character cannot be printed on a certificate: “\U00013000” (U+13000)" in page


def test_a_huge_name_gets_the_length_message_not_a_500(client, db):
    response = register(client, full_name="a\u0301" * 200_000)
    assert response.status_code == 400
    assert "at most 200 characters" in response.get_data(as_text=True)


def test_a_registration_whose_commit_fails_sends_no_mail(app, client, db, monkeypatch):
    """The confirmation mail waits for the commit: a commit that loses a race (here a
    serialisation failure) answers 409, keeps no account and mails no link to it."""
    from flask_sqlalchemy.session import Session
    from sqlalchemy.exc import OperationalError

    class SerializationFailure(Exception):
        sqlstate = "40001"

    def lost(session):
        raise OperationalError("COMMIT", {}, SerializationFailure("could not serialize access"))

    token = client.csrf_token()
    monkeypatch.setattr(Session, "commit", lost)
    response = client.post("/register", data={**VALID, "csrf_token": token})
    monkeypatch.undo()
    assert response.status_code == 409
    assert user_count(db) == 0
    assert mailbox.messages(app) == []
