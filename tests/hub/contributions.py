"""Form data and objects for the contribution and review tests (and the access matrix)."""

from __future__ import annotations

from lms.hub import review
from lms.hub.models import Kind


def practice_data(**overrides) -> dict:
    data = {
        "title": "Evening tutors for large first-year classes",
        "summary": "Senior students tutor first-years in the evening. Pass rates rose.",
        "institution": "Université de Ndialakh (fictional)",
        "country": "SN",
        "themes": ["blended-learning", "quality-assurance"],
        "audience": ["faculty"],
        "language": "en",
        "licence": "CC-BY-4.0",
        "year": "2025",
        "contact_email": "",
        "problem": "First-year classes of 900 students; 41% passed mathematics.",
        "what_was_done": "Forty senior students ran evening tutorials online and on campus.",
        "results": "The pass rate rose from 41% to 58% in two years.",
        "cost": "USD 12,000 a year, mostly tutors' stipends.",
        "reuse": "The tutor training guide and the timetable template.",
        "contact": "The dean of studies.",
    }
    data.update(overrides)
    return data


def make_submission(contributor, **overrides):
    """A practice submitted by `contributor` through the same form the page uses."""
    from lms.hub.submit_forms import PracticeForm

    form = _filled(PracticeForm, practice_data(**overrides))
    return review.submit(contributor, Kind.PRACTICE, form)


def _filled(form_class, data: dict):
    from werkzeug.datastructures import MultiDict

    pairs = [
        (key, item) for key, value in data.items() for item in (value if isinstance(value, list) else [value])
    ]
    form = form_class(formdata=MultiDict(pairs), meta={"csrf": False})
    assert form.validate(), form.errors
    return form
