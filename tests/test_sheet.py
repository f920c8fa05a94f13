"""The A4 sheet read back as a PDF reader reads it: one A4 page, fonts embedded, the facts that matter.

Every record of a 30-case demo and records with every text field at its
word budget must fit one page and still name the person, the reference,
the overall level, every linked area and every objective; a copy for the
person holds none of what the form withholds; names in the scripts people
in England and Wales write render from the embedded fonts, no glyph missing.
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import pty
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont
from hypothesis import example, given
from hypothesis import strategies as st
from pypdf import PdfReader
from textual.widgets import Input

from exports.formats.sheet import to_sheet
from exports.pdf.content import MIN_SIZE, MIN_WORDS
from exports.pdf.fonts import font_files
from exports.pdf.shorten import ELLIPSIS, shorten
from exports.summary import risk_level
from exports.text import answered
from forms.definition.load import library_files, load_text
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Objective, Override, Record, Rubric, Sentence
from forms.record.sharing import WITHHELD_NOTICE, for_person
from storage.demo import demo_data
from storage.sqlite.store import SqliteStore
from tests.cli_support import a4_in as a4
from tests.pilot_support import CaseApp
from tui.screens.case_screen import CaseScreen

A4_POINTS = (595.28, 841.89)
NAMES = {
    "Polish": "Zofia Wójcik-Łukaszewska",
    "Welsh": "Siân ap Gwŷn Llŷr",
    "Irish": "Seán Ó Dálaigh Ní Bhriain",
    "Arabic": "محمد عبد الله",
    "Urdu": "عمران خان صدیقی",
    "Chinese": "王小明",
}


@pytest.fixture(scope="module")
def shipped() -> tuple[AssessmentForm, Rubric | None]:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    return form, registry.rubric_for(form.id)


def demo_records(form: AssessmentForm) -> Iterator[tuple[Case, Record]]:
    data = demo_data(form, 30, "sam.p", date(2026, 12, 1))
    cases = {c.ref: c for c in data.cases}
    for record in data.records:
        yield cases[record.case_ref], record


def words(n: int, seed: str) -> str:
    """`n` words of sentences (a full stop every nine words), each word unique to `seed`."""
    out = [f"{seed}{i}" + ("." if i % 9 == 8 else "") for i in range(n)]
    return " ".join(out)


def budget_filled(form: AssessmentForm, name: str, objectives: int = 8) -> tuple[Case, Record]:
    """Every text answer at its word budget (120 words where none), every area linked, many objectives."""
    answers: dict[str, object] = {}
    for path, question in form.questions():
        if question.type in ("text", "line"):
            answers[path] = words(question.word_budget or 120, f"w{len(answers)}x")
        elif question.id in ("linked_offending", "linked_harm"):
            answers[path] = "yes"
        elif question.type == "choice" and question.options:
            answers[path] = question.options[-1].id
        elif question.type == "grid" and question.options:
            answers[path] = {
                r.id: {c.id: question.options[-1].id for c in question.columns} for r in question.rows
            }
    plan = [
        Objective(f"o{i}", goal=words(40, f"goal{i}x"), by=f"2027-0{1 + i % 9}-15", areas=["accommodation"])
        for i in range(objectives)
    ]
    case = Case("BUDGET-1", name, "2026-10-01", "sam.p", form.id)
    return case, Record(
        "r-budget", case.ref, form.id, form.version, answers=answers, plan=plan, status="draft"
    )


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    return " ".join(text.split())


def fonts_of(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every font the page uses, with its descriptor (descendant fonts of composite fonts included)."""
    found = []
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        for item in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
            if "/FontDescriptor" in item:
                found.append(item)
    return found


def type_sizes(page) -> set[float]:  # type: ignore[no-untyped-def]
    """The size in points of every piece of text on the page, as printed (text and page matrices applied)."""
    sizes: set[float] = set()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.add(round(size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]), 2))

    page.extract_text(visitor_text=visit)
    return sizes


def assert_is_the_sheet(pdf: bytes, case: Case, record: Record, form: AssessmentForm) -> str:
    reader = read(pdf)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    fonts = fonts_of(page)
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert min(type_sizes(page)) >= MIN_SIZE
    text = flat(page.extract_text())
    assert flat(case.ref) in text
    if re.fullmatch(r"[\x00-\x7f]+", case.name):  # right-to-left names are checked by glyph, below
        assert case.name in text
    assert (risk_level(form, record) or "not yet given") in text
    for section in form.sections:
        if "yes" in (
            record.answers.get(f"{section.id}.linked_offending"),
            record.answers.get(f"{section.id}.linked_harm"),
        ):
            assert section.title in text, section.title
    for objective in record.plan:
        assert " ".join(objective.goal.split()[:MIN_WORDS]) in text
    return text


def test_every_demo_record_fits_one_a4_page(shipped: tuple[AssessmentForm, Rubric | None]) -> None:
    form, rubric = shipped
    for case, record in demo_records(form):
        assert_is_the_sheet(to_sheet(record, case, form, (), rubric), case, record, form)


@pytest.mark.parametrize("objectives", [0, 8, 16])
def test_a_record_with_every_field_at_its_budget_still_fits(
    shipped: tuple[AssessmentForm, Rubric | None], objectives: int
) -> None:
    form, rubric = shipped
    case, record = budget_filled(form, "Zofia Wójcik-Łukaszewska", objectives)
    reader = read(to_sheet(record, case, form, (), rubric, full=True))
    sheet_text = flat(reader.pages[0].extract_text())
    assert "…" in sheet_text and "continues in the full record (page" in sheet_text
    # the page a note points at really holds that section's heading
    for number in {int(n) for n in re.findall(r"continues in the full record \(page (\d+)\)", sheet_text)}:
        assert 2 <= number <= len(reader.pages)
    assert f"page 1 of {len(reader.pages)}" in sheet_text
    assert flat(reader.pages[1].extract_text()).startswith("The full record")  # the sheet kept to page 1
    for index, page in enumerate(reader.pages[1:], 2):
        footer = flat(page.extract_text())
        assert case.ref in footer and f"page {index} of {len(reader.pages)}" in footer
    sheet_only = to_sheet(record, case, form, (), rubric)
    assert_is_the_sheet(sheet_only, case, record, form)


def test_the_full_record_holds_every_answer_in_full(shipped: tuple[AssessmentForm, Rubric | None]) -> None:
    form, rubric = shipped
    case, record = budget_filled(form, "Sam Doe", 3)
    reader = read(to_sheet(record, case, form, (), rubric, full=True))
    everything = flat(" ".join(p.extract_text() for p in reader.pages[1:]))
    for item in answered(form, record):
        if isinstance(item.value, str) and len(item.value.split()) > 5:
            assert item.value.split()[-1] in everything, item.path


def test_the_document_is_tagged_titled_and_in_british_english(
    shipped: tuple[AssessmentForm, Rubric | None],
) -> None:
    form, rubric = shipped
    case, record = next(demo_records(form))
    reader = read(to_sheet(record, case, form, (), rubric))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata is not None and case.ref in str(reader.metadata.title)


def test_the_practitioners_copy_says_it_is_not_for_the_person(
    shipped: tuple[AssessmentForm, Rubric | None],
) -> None:
    form, rubric = shipped
    case, record = next(demo_records(form))
    text = flat(read(to_sheet(record, case, form, (), rubric)).pages[0].extract_text())
    assert "Not for the person on probation" in text
    person = flat(read(to_sheet(record, case, form, (), rubric, person=True)).pages[0].extract_text())
    assert "Not for the person" not in person and "Quality assurance" not in person


@cache
def withholding_form() -> AssessmentForm:
    shipped = next(p for p in library_files() if p.name == "assessment.toml").read_text(encoding="utf-8")
    marked = shipped.replace('id = "harm"\n', 'id = "harm"\n  withhold_from_person = true\n', 1)
    victims = marked[marked.index('id = "victims"') :].split("[[section", 1)[0]
    if "withhold_from_person" not in victims:  # the shipped form withholds it already from 2.0.0
        marked = marked.replace('id = "victims"\n', 'id = "victims"\n  withhold_from_person = true\n', 1)
    result = load_text(marked, "assessment.toml")
    assert result.errors == [] and isinstance(result.definition, AssessmentForm)
    return result.definition


def test_the_persons_copy_holds_none_of_the_withheld_answers() -> None:
    form = withholding_form()
    case, record = budget_filled(form, "Sam Doe", 2)
    secrets = [record.answers["rosh.harm"], record.answers["offence.victims"]]
    team = flat(" ".join(p.extract_text() for p in read(to_sheet(record, case, form, full=True)).pages))
    assert all(str(s).split()[0] in team for s in secrets)
    copy, withheld = for_person(form, record)
    assert withheld
    pdf = to_sheet(copy, case, form, person=True, notice=WITHHELD_NOTICE, full=True)
    text = flat(" ".join(p.extract_text() for p in read(pdf).pages))
    for secret in secrets:
        assert not any(word.rstrip(".") in text for word in str(secret).split()), secret[:20]
    assert flat(WITHHELD_NOTICE)[:60] in text


@cache
def covered() -> frozenset[int]:
    """Every character the embedded fonts have a glyph for."""
    points: set[int] = set()
    for path in font_files():
        fonts = TTCollection(str(path)).fonts if path.suffix == ".ttc" else [TTFont(str(path))]
        for font in fonts:
            points.update(font.getBestCmap())
    return frozenset(points)


@pytest.mark.parametrize("script", sorted(NAMES))
def test_names_in_every_script_render_from_the_embedded_fonts(
    shipped: tuple[AssessmentForm, Rubric | None], script: str
) -> None:
    form, rubric = shipped
    name = NAMES[script]
    missing = [c for c in name if not c.isspace() and ord(c) not in covered()]
    assert missing == []
    case, record = next(demo_records(form))
    case = Case(case.ref, name, case.start, case.owner, case.form_id)
    page = read(to_sheet(record, case, form, (), rubric)).pages[0]
    used = {str(f["/BaseFont"]) for f in fonts_of(page)}
    assert used and all(re.search(r"FiraSans|NotoSansArabic|NotoSansCJK", f) for f in used), used
    if script in ("Arabic", "Urdu"):
        assert any("NotoSansArabic" in f for f in used)
    if script == "Chinese":
        assert any("NotoSansCJK" in f for f in used)
        assert name in page.extract_text()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A six-case demo store, and the reference of a case with a record."""
    data = tmp_path_factory.mktemp("data")
    assert a4(data, "demo", "--cases", "6").returncode == 0
    store = SqliteStore(data / "a4.db")
    try:
        ref = next(s.ref for s in store.list_cases() if store.latest_record(s.ref) is not None)
    finally:
        store.close()
    return data, ref


def test_a4_export_writes_sheets_with_the_full_record(demo_store: tuple[Path, str], tmp_path: Path) -> None:
    data, _ref = demo_store
    out = tmp_path / "sheets"
    result = a4(data, "export", "--all", "--format", "sheet", "--full", "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.pdf"))
    assert len(files) > 1 and all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    assert all(len(read(f.read_bytes()).pages) > 1 for f in files)
    wrong = a4(data, "export", "--all", "--format", "md", "--full", "--out", str(tmp_path / "md"))
    assert wrong.returncode == 1 and "--full" in wrong.stderr and "Traceback" not in wrong.stderr


def test_one_sheet_goes_to_stdout_when_it_is_a_pipe(demo_store: tuple[Path, str]) -> None:
    data, ref = demo_store
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", ref, "--format", "sheet", "--for", "person"],
        capture_output=True,
        env={**os.environ, "A4_DATA_DIR": str(data)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"%PDF") and len(read(result.stdout).pages) == 1


SHEET_FORM = """
id = "t"
kind = "assessment"
title = "T"
version = "1.0.0"
[sheet]
words = 12
  [[sheet.item]]
  block = "{block}"
  question = "{question}"
[[section]]
id = "home"
title = "Home"
  [[section.question]]
  id = "analysis"
  label = "Why?"
"""


def test_a_forms_sheet_table_is_read_with_its_default_words() -> None:
    result = load_text(SHEET_FORM.format(block="areas", question="*.analysis"), "t.toml")
    assert result.errors == []
    assert isinstance(result.definition, AssessmentForm) and result.definition.sheet is not None
    (item,) = result.definition.sheet.items
    assert (item.block, item.question, item.words) == ("areas", "*.analysis", 12)


@pytest.mark.parametrize(
    ("block", "question", "message", "hint"),
    [
        ("area", "home.analysis", "'area' is not a block of the sheet", "areas"),
        ("areas", "home.analisys", "'home.analisys' is not a question of this form", "home.analysis"),
        ("areas", "*.why", "no section asks a question 'why'", ""),
    ],
)
def test_a_wrong_sheet_item_is_one_error_at_its_line(
    block: str, question: str, message: str, hint: str
) -> None:
    result = load_text(SHEET_FORM.format(block=block, question=question), "t.toml")
    (error,) = result.errors
    assert error.message == message and hint in error.hint
    assert error.line == (9 if "block" in message else 10)  # the line of the key that is wrong


async def test_f12_then_s_writes_the_open_records_sheet(tmp_path: Path) -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    store = SqliteStore(tmp_path / "a4.db")
    case = store.create_case(Case("AB1", "Seán Ó Dálaigh", "2026-09-28", "pat", form.id), form.deadlines)
    record = store.create_record(
        Record("rec-1", case.ref, form.id, form.version, answers={"rosh.level": "medium"}), "pat"
    )
    app = CaseApp(CaseScreen(store=store, form=form, case=case, record=record, user="pat"))
    folder = tmp_path / "out"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        app.screen.query_one(".export-folder", Input).value = str(folder)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
    store.close()
    written = folder / "AB1-rec-1.pdf"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = flat(read(written.read_bytes()).pages[0].extract_text())
    assert "Seán Ó Dálaigh" in text and "Medium" in text
    assert "automatic checks met" in text  # the screen's rubric reaches the sheet's QA line


def test_the_sheet_names_the_sentence_and_its_end_and_the_full_record_the_rest(
    shipped: tuple[AssessmentForm, Rubric | None],
) -> None:
    form, rubric = shipped
    case, record = next(demo_records(form))
    sentence = Sentence(
        "community order", "18 months", "2026-01-05", "2027-07-04", ("unpaid work: 120 hours",), "Cardiff"
    )
    case = dataclasses.replace(case, sentence=sentence)
    reader = read(to_sheet(record, case, form, (), rubric, full=True))
    sheet = flat(reader.pages[0].extract_text())
    assert "community order, 18 months" in sheet and "4 Jul 2027" in sheet
    rest = flat(" ".join(p.extract_text() for p in reader.pages[1:]))
    assert "unpaid work: 120 hours" in rest and "Cardiff" in rest


CONTINGENCY_FORM = """
id = "rmp"
kind = "assessment"
title = "RMP"
version = "1.0.0"
risk_level = "rosh.level"
[[section]]
id = "rosh"
title = "Risk"
  [[section.question]]
  id = "level"
  type = "choice"
  label = "Overall level"
  options = [{ id = "high", label = "High", key = "h" }]
[[section]]
id = "rmp"
title = "Risk management plan"
  [[section.question]]
  id = "contingency"
  type = "group"
  label = "If this happens, we do this"
    [[section.question.field]]
    id = "when"
    type = "line"
    label = "If"
    [[section.question.field]]
    id = "then"
    type = "line"
    label = "Then"
"""


def test_the_risk_management_plans_contingency_lines_are_on_the_sheet() -> None:
    result = load_text(CONTINGENCY_FORM, "rmp.toml")
    assert result.errors == [] and isinstance(result.definition, AssessmentForm)
    form = result.definition
    entries = [
        {"when": "contact with the former partner", "then": "recall considered the same day"},
        {"when": "drinking again", "then": "appointments weekly"},
    ]
    record = Record("r", "C-1", "rmp", "1.0.0", answers={"rosh.level": "high", "rmp.contingency": entries})
    text = flat(
        read(to_sheet(record, Case("C-1", "Sam Doe", "2026-01-05", "jo"), form)).pages[0].extract_text()
    )
    assert "If things change:" in text
    assert "if: contact with the former partner; then: recall considered the same day" in text
    assert "if: drinking again; then: appointments weekly" in text


@given(
    st.text(alphabet=st.sampled_from("ab .,!?…\n\t'łŵ"), max_size=200), st.integers(min_value=1, max_value=40)
)
@example(", ?", 1)  # the only word kept is punctuation, which a cut strips: the sheet shows "…" alone
def test_shortening_keeps_whole_words_from_the_start_and_marks_every_cut(text: str, limit: int) -> None:
    done = shorten(text, limit)
    original = text.split()
    kept = done.text.removesuffix(ELLIPSIS).split()
    assert len(kept) <= limit
    assert done.cut == (len(original) > limit)
    assert done.text.endswith(ELLIPSIS) or not done.cut
    # every kept word is the original's word at that place (the last may have lost trailing punctuation,
    # and a cut that kept only punctuation keeps nothing but the "…")
    if kept:
        assert kept[:-1] == original[: len(kept) - 1]
        assert original[len(kept) - 1].startswith(kept[-1])


def test_a_pdf_is_never_written_to_a_terminal(demo_store: tuple[Path, str]) -> None:
    data, ref = demo_store
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "export", ref, "--format", "sheet"],
            stdout=follower,
            stderr=subprocess.PIPE,
            env={**os.environ, "A4_DATA_DIR": str(data)},
            timeout=120,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 1
    assert b"a PDF cannot be shown in the terminal" in result.stderr and b"Traceback" not in result.stderr


def test_checks_submitted_past_are_on_the_sheet_with_their_reasons(
    shipped: tuple[AssessmentForm, Rubric | None],
) -> None:
    form, rubric = shipped
    record = Record(
        "r", "C-1", form.id, form.header.version, answers={"rosh.level": "medium"}, status="submitted"
    )
    record.overrides = [
        Override(key="k", message="Sources are not listed", path="offence.sources",
                 reason="police summary not yet received", by="sam", acknowledged_by="kim")
    ]  # fmt: skip
    sheet = to_sheet(record, Case("C-1", "Sam Doe", "2026-01-05", "sam"), form, rubric=rubric)
    text = flat(read(sheet).pages[0].extract_text())
    assert "Overridden:" in text
    assert "Sources are not listed (reason: police summary not yet received; read by kim)" in text
