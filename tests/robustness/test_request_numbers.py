"""Numbers in paths and query strings that no database column can hold get an ordinary answer
(404, or an empty page past the end) instead of an overflow error from the driver."""

from __future__ import annotations

import pytest

from lms.policy import Role


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30, 10**400])
def test_id_too_large_for_the_database_is_not_found(login, make_user, number):
    client = login(make_user(role=Role.ADMIN))
    assert client.get(f"/admin/users/{number}").status_code == 404
    assert client.get(f"/admin/certificates/{number}").status_code == 404


def test_largest_integer_id_is_still_routed(login, make_user):
    client = login(make_user(role=Role.ADMIN))
    assert client.get(f"/admin/users/{2**31 - 1}").status_code == 404  # routed, no such person


@pytest.mark.parametrize("page", ["0", "-5", "2147483648", "99999999999999999999999", "1e9", "x", "1" * 5000])
def test_any_page_number_gives_a_page(client, course, page):
    response = client.get(f"/courses?page={page}")
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["9223372036854775807", "99999999999999999999999"])
def test_page_past_the_end_of_people_and_certificates_is_empty(login, make_user, page):
    client = login(make_user(role=Role.ADMIN))
    assert client.get(f"/admin/users?page={page}").status_code == 200
    assert client.get(f"/admin/certificates?page={page}").status_code == 200


@pytest.mark.parametrize("number", ["²", "١", "99999999999999999999", "2147483648", "-1", " 1"])
def test_quiz_attempt_number_that_no_column_holds_is_400(login, learner, number):
    client = login(learner)
    response = client.submit("/courses/ict-basics/quizzes/m1", {"attempt": number, "q-q1": "a"})
    assert response.status_code == 400
    assert "no attempt number" in response.get_data(as_text=True)


def test_stored_integer_takes_ascii_digits_up_to_the_largest_id():
    from lms.database import LARGEST_ID
    from lms.inputs import stored_integer

    assert [stored_integer(t) for t in ("0", "42", str(LARGEST_ID))] == [0, 42, LARGEST_ID]
    assert [stored_integer(t) for t in (None, "", "²", "٣", str(LARGEST_ID + 1), "1.0", "+1")] == [None] * 7
