"""A date of birth shows the person's age: on the case screen as of today, in exports as of the record's day.

The shipped assessment's date of birth sets `show_age`; the age follows
what is typed on screen, and the Markdown report and the A4 sheet's full
record print it with the day it is true on.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from forms.definition.load import load_text
from forms.model import AssessmentForm, Case, Record
from forms.record.age import age_on, age_words
from forms.record.plan import long_date
from storage.sqlite.store import SqliteStore
from tests.cli_support import a4_in
from tests.pilot_support import screen_text, until
from tests.test_case_screen import OpeningApp
from tui.screens.case_screen import CaseScreen
from tui.widgets.age_note import AgeNote
from tui.widgets.section_editor import FieldInput, SectionEditor

TODAY = date(2026, 12, 2)


def _birthday(born: date, years: int) -> date:
    """The day `born` turns `years` old: 1 March when 29 February is missing that year."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def reference_age(born: date, on: date) -> int:
    """Count the birthdays up to `on`, one by one."""
    years = 0
    while _birthday(born, years + 1) <= on:
        years += 1
    return years


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_the_age_is_the_number_of_birthdays_that_have_come(born: date, on: date) -> None:
    expected = reference_age(born, on) if on >= born else None
    assert age_on(born, on) == expected


def test_a_29_february_birthday_comes_on_1_march_in_other_years() -> None:
    born = date(2000, 2, 29)
    assert age_on(born, date(2001, 2, 28)) == 0
    assert age_on(born, date(2001, 3, 1)) == 1
    assert age_on(born, date(2004, 2, 28)) == 3
    assert age_on(born, date(2004, 2, 29)) == 4


def test_nothing_is_said_for_an_empty_invalid_or_future_date() -> None:
    assert age_words("1990-12-02", TODAY) == "aged 36"
    assert age_words("1990-12-03", TODAY) == "aged 35"
    assert [age_words(v, TODAY) for v in (None, "", "1990-02-30", "2027-01-01", "02/12/1990")] == [""] * 5


def test_a_field_of_a_group_cannot_show_an_age() -> None:
    text = """id = "t"\nkind = "assessment"\ntitle = "T"\nversion = "1.0.0"\n
[[section]]
id = "s"
title = "S"

  [[section.question]]
  id = "people"
  type = "group"
  label = "People"

    [[section.question.field]]
    id = "born"
    type = "date"
    label = "Born"
    show_age = "yes"
"""
    errors = load_text(text, "t.toml").errors
    assert [(e.line, e.message) for e in errors] == [(19, "a group's fields cannot have show_age")]


# ---------------------------------------------------------------- the case screen


def dob_app(store: SqliteStore, form: AssessmentForm, answers: dict[str, object]) -> OpeningApp:
    case = store.create_case(
        Case(ref="AB123", name="Sam Taylor", start="2026-09-28", owner="pat", form_id=form.id), form.deadlines
    )
    record = store.create_record(
        Record(id="rec-1", case_ref=case.ref, form_id=form.id, form_version=form.version, answers=answers),
        "pat",
    )
    return OpeningApp(
        lambda: CaseScreen(store=store, form=form, case=case, record=record, user="pat", today=lambda: TODAY)
    )


async def test_the_age_shows_beside_the_date_of_birth_and_follows_what_is_typed(
    tmp_path: Path, form: AssessmentForm
) -> None:
    app = dob_app(SqliteStore(tmp_path / "a4.sqlite"), form, {"static.date_of_birth": "1990-12-02"})
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen")
        block = app.screen.query_one("#section-static", SectionEditor).fields["static.date_of_birth"]
        field = block.field
        assert isinstance(field, FieldInput)
        app.screen.set_focus(field)
        await until(pilot, lambda: "aged 36" in screen_text(app), "the age beside the date")
        line = next(row for row in screen_text(app).splitlines() if "aged 36" in row)
        assert "1990-12-02" in line  # beside the date, on its line

        field.value = ""
        await pilot.press(*"3/12/1990")
        await until(pilot, lambda: "aged 35" in screen_text(app), "the age following the typed date")
        await pilot.press(*["backspace"] * 4, *"2028")  # 3/12/2028: not born yet
        assert field.answer == "2028-12-03"
        note = block.query_one(AgeNote)
        await until(pilot, lambda: not note.display, "no age for a date still to come")
        field.value = ""
        await pilot.press(*"31/2/1990")
        await pilot.pause()
        assert not note.display and "aged" not in screen_text(app)


# ---------------------------------------------------------------- exports


def stored_with_dob(data: Path, form: AssessmentForm, days_before_birthday: int) -> tuple[str, date]:
    """A case whose record gives a date of birth 40 years before the record's day (minus some days)."""
    store = SqliteStore(data / "a4.db")
    try:
        case = store.create_case(
            Case(ref="AGE-1", name="Sam Taylor", start="2026-09-28", owner="pat", form_id=form.id),
            form.deadlines,
        )
        record = store.create_record(Record("r-age", case.ref, form.id, form.version), "pat")
        day = date.fromisoformat(record.updated_at[:10])
        born = day.replace(year=day.year - 40) + timedelta(days=days_before_birthday)
        record.answers = {"static.date_of_birth": born.isoformat()}
        store.save_record(record, "pat")
        saved = store.get_record("r-age")
        return saved.updated_at[:10], born
    finally:
        store.close()


def test_markdown_prints_the_age_on_the_records_day(tmp_path: Path, form: AssessmentForm) -> None:
    day, born = stored_with_dob(tmp_path, form, 0)
    exported = a4_in(tmp_path, "export", "AGE-1", "--format", "md")
    assert exported.returncode == 0, exported.stderr
    assert (
        f"**Date of birth:** {long_date(born.isoformat())} (aged 40 on {long_date(day)})" in exported.stdout
    )


def test_the_sheets_full_record_prints_the_age_a_day_before_the_birthday(
    tmp_path: Path, form: AssessmentForm
) -> None:
    day, born = stored_with_dob(tmp_path, form, 1)
    out = tmp_path / "sheet.pdf"
    exported = a4_in(tmp_path, "export", "AGE-1", "--format", "sheet", "--full", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    pages = PdfReader(io.BytesIO(out.read_bytes())).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert f"{long_date(born.isoformat())} (aged 39 on {long_date(day)})" in text
