import pytest

from tests import factories


@pytest.fixture
def course(db):
    made = factories.make_course("ict-basics", modules=2, lessons=2)
    db.session.commit()
    return made


@pytest.fixture
def learner(db, course):
    user = factories.make_user(full_name="Grace Wanjiru")
    factories.enrol(user, course)
    db.session.commit()
    return user
