"""Moving a record to a newer form version: what carries over, and what is kept aside with its reason."""

from __future__ import annotations

from forms.definition.load import load_text
from forms.model import AssessmentForm, Case, Deadlines, LeftBehind, Record
from forms.record.carry_over import carry_over, move_record
from forms.record.codec import record_from_dict, record_to_dict
from storage.store import Store

OLD = """
id = "f"
kind = "assessment"
title = "F"
version = "1.0.0"

[[section]]
id = "home"
title = "Home"

  [[section.question]]
  id = "kept"
  label = "Kept as it was"

  [[section.question]]
  id = "gone"
  label = "A question that is removed"

  [[section.question]]
  id = "retyped"
  type = "yesno"
  label = "Retyped to a number"

  [[section.question]]
  id = "status"
  type = "choice"
  label = "Where does the person live?"
  options = ["[S]ettled", "[T]emporary", "[N]o fixed abode"]

  [[section.question]]
  id = "worries"
  type = "multi"
  label = "Worries"
  options = ["Money", "Housing", "[F]amily"]

  [[section.question]]
  id = "note"
  label = "A long note that becomes one line"

  [[section.question]]
  id = "name"
  type = "line"
  label = "A line that becomes long text"

  [[section.question]]
  id = "score"
  type = "scale"
  label = "Score"
  min = 0
  max = 9

  [[section.question]]
  id = "who"
  type = "grid"
  label = "Who is at risk?"
  rows = ["Children", "Staff"]
  columns = ["Community", "Custody"]
  levels = ["[L]ow", "[H]igh", "[V]ery high"]

  [[section.question]]
  id = "sources"
  type = "group"
  label = "Sources"

    [[section.question.field]]
    id = "kind"
    type = "choice"
    label = "Kind"
    options = ["[I]nterview", "[O]ther"]

    [[section.question.field]]
    id = "author"
    type = "line"
    label = "Author"

    [[section.question.field]]
    id = "pages"
    type = "number"
    label = "Pages"

[[section]]
id = "dropped"
title = "A section that is removed"

  [[section.question]]
  id = "q"
  label = "Anything"
"""

NEW = (
    OLD.replace('version = "1.0.0"', 'version = "2.0.0"')
    .replace('  [[section.question]]\n  id = "gone"\n  label = "A question that is removed"\n', "")
    .replace('id = "retyped"\n  type = "yesno"', 'id = "retyped"\n  type = "number"')
    .replace('["[S]ettled", "[T]emporary", "[N]o fixed abode"]', '["[S]ettled", "[T]emporary"]')
    .replace('["Money", "Housing", "[F]amily"]', '["Money", "[F]amily"]')
    .replace('id = "note"\n  label', 'id = "note"\n  type = "line"\n  label')
    .replace('id = "name"\n  type = "line"', 'id = "name"\n  type = "text"')
    .replace("max = 9", "max = 5")
    .replace('rows = ["Children", "Staff"]', 'rows = ["Children"]')
    .replace('levels = ["[L]ow", "[H]igh", "[V]ery high"]', 'levels = ["[L]ow", "[H]igh"]')
    .replace('options = ["[I]nterview", "[O]ther"]', 'options = ["[I]nterview"]')
    .replace(
        '    [[section.question.field]]\n    id = "pages"\n    type = "number"\n    label = "Pages"\n', ""
    )
    .split('[[section]]\nid = "dropped"')[0]
)

ANSWERS = {
    "home.kept": "Settled for two years.",
    "home.gone": "Old text",
    "home.retyped": "yes",
    "home.status": "no_fixed_abode",
    "home.worries": ["money", "housing"],
    "home.note": "First line\nsecond line",
    "home.name": "Sam",
    "home.score": 7,
    "home.who": {"children": {"community": "low", "custody": "very_high"}, "staff": {"community": "high"}},
    "home.sources": [
        {"kind": "interview", "author": "Jo", "pages": 3},
        {"kind": "other", "pages": 1},
    ],
    "dropped.q": "Something",
}


def form(text: str) -> AssessmentForm:
    result = load_text(text, "f.toml")
    assert result.errors == []
    assert isinstance(result.definition, AssessmentForm)
    return result.definition


def test_every_kind_of_change_either_carries_over_or_is_kept_with_its_reason() -> None:
    result = carry_over(ANSWERS, form(OLD), form(NEW))
    assert result.answers == {
        "home.kept": "Settled for two years.",
        "home.worries": ["money"],
        "home.name": "Sam",
        "home.who": {"children": {"community": "low"}},
        "home.sources": [{"kind": "interview", "author": "Jo"}],
    }
    assert [(item.path, item.label, item.value, item.reason) for item in result.left_behind] == [
        ("home.gone", "A question that is removed", "Old text", "the question is not in version 2.0.0"),
        ("home.retyped", "Retyped to a number", "yes", "the question changed from yes/no to number"),
        (
            "home.status",
            "Where does the person live?",
            "no_fixed_abode",
            "“No fixed abode” is no longer offered",
        ),
        ("home.worries", "Worries", ["housing"], "“Housing” is no longer offered"),
        (
            "home.note",
            "A long note that becomes one line",
            "First line\nsecond line",
            "the answer has several lines and the question now takes one line",
        ),
        ("home.score", "Score", 7, "7 is outside the new range 0 to 5"),
        (
            "home.who.children.custody",
            "Who is at risk?",
            "very_high",
            "the level “very_high” is no longer offered",
        ),
        ("home.who.staff.community", "Who is at risk?", "high", "the row “staff” was removed"),
        ("home.sources[0].pages", "Sources: Pages", 3, "the field was removed"),
        ("home.sources[1].kind", "Sources: Kind", "other", "“Other” is no longer offered"),
        ("home.sources[1].pages", "Sources: Pages", 1, "the field was removed"),
        ("dropped.q", "Anything", "Something", "the question is not in version 2.0.0"),
    ]
    assert {item.form_version for item in result.left_behind} == {"1.0.0"}


def test_the_same_version_carries_everything() -> None:
    old = form(OLD)
    assert carry_over(ANSWERS, old, old).answers == ANSWERS
    assert carry_over(ANSWERS, old, old).left_behind == ()


def test_moving_a_record_keeps_what_was_left_behind_in_its_history() -> None:
    old, new = form(OLD), form(NEW)
    earlier = LeftBehind("home.x", "From an even older version", "text", "the question was removed", "0.9.0")
    record = Record("r1", "C1", "f", "1.0.0", answers=dict(ANSWERS), left_behind=[earlier])

    moved = move_record(record, old, new)

    assert (moved.form_id, moved.form_version) == ("f", "2.0.0")
    assert moved.left_behind[0] == earlier
    assert len(moved.left_behind) == 13
    assert record.answers == ANSWERS  # the original is untouched
    assert record_from_dict(record_to_dict(moved)) == moved


def test_the_store_keeps_what_was_left_behind(store: Store) -> None:
    store.create_case(Case("C1", "Sam Morgan", "2025-03-03", "sam"), Deadlines())
    store.save_definition("assessment", "f", "1.0.0", OLD)  # a record names a definition its store holds
    created = store.create_record(Record("r1", "C1", "f", "1.0.0", answers=dict(ANSWERS)), "sam")
    moved = move_record(created, form(OLD), form(NEW))
    store.save_record(moved, "sam")
    again = store.get_record("r1")
    assert again.left_behind == moved.left_behind
    assert again.answers == moved.answers


def test_a_move_stores_the_new_version_and_notes_it_in_the_audit_trail(store: Store) -> None:
    store.create_case(Case("C1", "Sam Morgan", "2025-03-03", "sam"), Deadlines())
    store.save_definition("assessment", "f", "1.0.0", OLD)  # a record names a definition its store holds
    store.save_definition("assessment", "f", "2.0.0", NEW)
    created = store.create_record(Record("r1", "C1", "f", "1.0.0", answers=dict(ANSWERS)), "sam")
    store.move_to_version(move_record(created, form(OLD), form(NEW)), "sam")
    again = store.get_record("r1")
    assert again.form_version == "2.0.0"
    assert len(again.left_behind) == 12
    [event] = [e for e in store.audit_trail("r1") if e.kind == "form_version"]
    assert (event.old, event.new, event.actor) == ("1.0.0", "2.0.0", "sam")


def test_a_renamed_question_carries_the_answer_of_the_id_it_was_renamed_from() -> None:
    old = form(
        'id = "f"\nkind = "assessment"\ntitle = "F"\nversion = "1.0.0"\n'
        '[[section]]\nid = "home"\ntitle = "Home"\n'
        '[[section.question]]\nid = "why"\nlabel = "Why?"\n'
        '[[section]]\nid = "risk"\ntitle = "Risk"\n'
        '[[section.question]]\nid = "note"\nlabel = "Note"\n'
    )
    new = form(
        'id = "f"\nkind = "assessment"\ntitle = "F"\nversion = "2.0.0"\n'
        '[[section]]\nid = "home"\ntitle = "Home"\n'
        '[[section.question]]\nid = "reasons"\nrenamed_from = "why"\nlabel = "Why?"\n'
        '[[section.question]]\nid = "moved"\nrenamed_from = "risk.note"\nlabel = "Note"\n'
    )
    result = carry_over({"home.why": "Lost the flat.", "risk.note": "Moved here."}, old, new)
    assert result.answers == {"home.reasons": "Lost the flat.", "home.moved": "Moved here."}
    assert result.left_behind == ()


def test_a_shipped_1_0_0_record_keeps_its_domestic_abuse_answer_in_the_safeguarding_section() -> None:
    """The shipped 2.x forms moved the question to "Safeguarding and risks to the person"; 2.2.0 says where
    it was, so a 1.0.0 record moved on keeps the answer; only the two questions whose type changed
    (a yes/no became a choice of several) are left behind, for the practitioner to answer afresh."""
    from forms.definition.registry import load_registry

    registry, _problems = load_registry([])
    old, new = registry.assessment("a4-assessment", "1.0.0"), registry.assessment("a4-assessment")
    assert old is not None and new is not None and new.version == "2.2.0"
    answers = {
        "relationships.domestic_abuse": "used",
        "relationships.children": "yes",
        "emotional.self_harm": "no",
    }
    result = carry_over(answers, old, new)
    assert result.answers == {"safeguarding.domestic_abuse": "used"}
    assert sorted(left.path for left in result.left_behind) == [
        "emotional.self_harm",
        "relationships.children",
    ]
