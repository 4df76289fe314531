"""PDF attachments: a real PDF with nothing active, under the size limit, or a clear refusal
and nothing written."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from lms.hub.models import Attachment
from lms.hub.pdfs import markdown_pdf
from lms.hub.services import HubError, attach_pdf, documents_dir
from tests.hub.helpers import make_item


def blank_pdf(**change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if "javascript" in change:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(change["javascript"]),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = action
    if "attachment" in change:
        writer.add_attachment("payload.exe", change["attachment"])
    if "password" in change:
        writer.encrypt(change["password"])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def item(db):
    return make_item(kind="publication")


def test_a_real_pdf_is_stored_once_by_its_hash_with_its_text(app, db, item):
    data = markdown_pdf("Title", ["Authors"], None, "A paragraph about quokkas.")
    first = attach_pdf(item, data, "brief.pdf")
    again = attach_pdf(item, data, "brief.pdf")
    assert first is again
    assert "quokkas" in first.text
    assert first.pages == 1
    assert (documents_dir() / f"{first.sha256}.pdf").read_bytes() == data


def test_the_seed_pdf_of_a_text_is_the_same_every_time():
    assert markdown_pdf("T", ["A"], None, "## Part\n\nText.") == markdown_pdf(
        "T", ["A"], None, "## Part\n\nText."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "not a PDF"),
        (b"", "not a PDF"),
        (b"%PDF-1.7\n garbage that is no PDF", "cannot be read"),
        (blank_pdf(javascript="app.alert('hi');"), "JavaScript"),
        (blank_pdf(attachment=b"MZ..."), "embedded files"),
        (blank_pdf(password="secret"), "encrypted"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_is_written(app, db, item, data, message):
    before = set(documents_dir().iterdir())
    with pytest.raises(HubError, match=message):
        attach_pdf(item, data, "file.pdf")
    assert item.attachments == []
    assert set(documents_dir().iterdir()) == before
    assert db.session.query(Attachment).count() == 0


def test_an_open_action_that_only_shows_the_first_page_is_fine(app, db, item):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.open_destination = writer.pages[0]
    out = io.BytesIO()
    writer.write(out)
    assert attach_pdf(item, out.getvalue(), "ok.pdf").pages == 1


def test_an_oversized_pdf_is_refused(app, db, item, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PDF_BYTES", 1000)
    with pytest.raises(HubError, match="at most"):
        attach_pdf(item, blank_pdf() + b"%" * 2000, "big.pdf")
