"""The profile page, the admin's list of people, and the users CLI."""

from sqlalchemy import select

from lms.accounts.models import Gender, User
from lms.roles import Role


def test_profile_edit_saves_and_validates(client, login, make_user, db):
    user = make_user()
    login(user)
    response = client.submit(
        "/account",
        {
            "full_name": "Dr. Mercy Achieng",
            "gender": "woman",
            "country": "UG",
            "institution": "Makerere",
            "profile_role": "leader-administrator",
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.full_name, user.country, user.profile_role.value) == (
        "Dr. Mercy Achieng",
        "UG",
        "leader-administrator",
    )

    bad = client.submit(
        "/account", {"full_name": "A\u202eB", "gender": "woman", "country": "UG", "profile_role": "faculty"}
    )
    assert bad.status_code == 400
    db.session.refresh(user)
    assert user.full_name == "Dr. Mercy Achieng"


def test_admin_searches_people_without_putting_the_search_in_the_url(client, login, make_user):
    login(make_user(role=Role.ADMIN, full_name="Admin One"))
    make_user(full_name="Chanthou Sok", email="chanthou@rupp.edu.kh")
    make_user(full_name="Bilal Ahmed", email="bilal@example.pk")
    response = client.submit("/admin/users", {"q": "rupp.edu", "role": ""})
    assert response.headers["Location"].endswith("/admin/users")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Chanthou Sok" in page and "Bilal Ahmed" not in page


def test_admin_list_is_paginated(app, client, login, make_user):
    login(make_user(role=Role.ADMIN))
    for n in range(app.config["USERS_PER_PAGE"] + 3):
        make_user(full_name=f"Learner {n:03d}")
    first = client.get("/admin/users").get_data(as_text=True)
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('href="/admin/users/') == app.config["USERS_PER_PAGE"]


def test_admin_changes_role_and_deactivates(client, login, make_user, db):
    login(make_user(role=Role.ADMIN))
    person = make_user()
    response = client.submit(f"/admin/users/{person.id}", {"role": "trainer"})  # unchecked box: inactive
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role is Role.TRAINER and not person.active


def test_admin_cannot_demote_themselves(client, login, make_user, db):
    admin = make_user(role=Role.ADMIN)
    login(admin)
    response = client.submit(f"/admin/users/{admin.id}", {"role": "learner", "active": "y"})
    assert response.status_code == 400
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN


def test_unknown_user_id_is_404(client, login, make_user):
    login(make_user(role=Role.ADMIN))
    assert client.get("/admin/users/999999").status_code == 404


def test_cli_creates_admin_and_sets_role(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Ops@Example.org",
            "--name",
            "Ops Person",
            "--role",
            "admin",
            "--password",
            "orchid mountain relay 9",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "ops@example.org")).scalar_one()
    assert user.role is Role.ADMIN and user.gender is Gender.UNSTATED

    result = runner.invoke(args=["users", "set-role", "--email", "ops@example.org", "--role", "trainer"])
    assert result.exit_code == 0
    db.session.refresh(user)
    assert user.role is Role.TRAINER


def test_cli_reports_bad_input_clearly(runner, make_user):
    make_user(email="taken@example.org")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "taken@example.org",
            "--name",
            "X",
            "--password",
            "orchid mountain relay 9",
        ]
    )
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(
        args=["users", "create", "--email", "new@example.org", "--name", "X", "--password", "short"]
    )
    assert result.exit_code == 1 and "at least 10" in result.output
    result = runner.invoke(args=["users", "set-role", "--email", "ghost@example.org", "--role", "admin"])
    assert result.exit_code == 1 and "No account" in result.output
