"""Word counts as the practitioner sees them in the budget counters."""

import pytest

from forms.model import AssessmentForm, Header, Question, Record, Section
from forms.record.words import count_words, record_word_counts, text_answers, total_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n\t  ", 0),
        ("one", 1),
        ("  two   words  ", 2),
        ("lines\nand\ttabs", 3),
        ("stays — with her mother", 4),  # a lone dash is not a word
        ("- item\n- item", 2),
        ("... ?! -- ()", 0),
        ("well-being", 1),
        ("don't", 1),
        ("(housing)", 1),
        ("3 times in 2024", 4),
        ("café naïve Zoë", 3),
        ("_ __ a_b", 1),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_count_words_on_long_and_pathological_text() -> None:
    prose = "The person on probation said that the flat is settled. " * 2000
    punctuation = "-" * 200_000  # a regex that backtracked on this would never finish
    assert count_words(prose) == 20_000
    assert count_words(punctuation) == 0


FORM = AssessmentForm(
    header=Header(id="mini", kind="assessment", title="Mini", version="1.0.0"),
    sections=(
        Section(
            id="accommodation",
            title="Accommodation",
            questions=(
                Question(id="linked", type="yesno", label="Linked?"),
                Question(id="analysis", type="text", label="Analysis"),
                Question(id="address", type="line", label="Address"),
            ),
        ),
        Section(
            id="evidence",
            title="Evidence",
            questions=(
                Question(
                    id="sources",
                    type="group",
                    label="Sources",
                    fields=(
                        Question(id="date", type="date", label="Date"),
                        Question(id="author", type="line", label="Author"),
                        Question(id="notes", type="text", label="Notes"),
                    ),
                ),
            ),
        ),
        Section(id="empty", title="Empty"),
    ),
)

ANSWERS = {
    "accommodation.linked": "yes",
    "accommodation.analysis": "Sofa surfing since March — unsettled",
    "accommodation.address": "12 High Street",
    "evidence.sources": [
        {"date": "2024-01-02", "author": "PSR writer", "notes": "Read in full"},
        {"date": "2024-02-03", "notes": "Phone call"},
    ],
}


def test_record_word_counts_per_section_including_group_text_fields() -> None:
    # The yes/no and the dates are not counted; every section is listed.
    assert record_word_counts(FORM, ANSWERS) == {"accommodation": 8, "evidence": 7, "empty": 0}
    assert total_words(FORM, Record("r", "C-1", FORM.id, FORM.version, answers=ANSWERS)) == 15


def test_text_answers_name_group_entry_fields_by_index_from_zero() -> None:
    paths = [answer.path for answer in text_answers(FORM, ANSWERS)]
    assert paths == [
        "accommodation.analysis",
        "accommodation.address",
        "evidence.sources[0].author",
        "evidence.sources[0].notes",
        "evidence.sources[1].notes",
    ]
