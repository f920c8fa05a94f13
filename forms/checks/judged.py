"""Which answers an automatic check reads, so a rubric's preview can show what each check judged.

"Automatic checks pass for 4 of 4" says nothing a trainer can verify; the
answers a check looked at, beside its verdict, show whether the check is
judging what was meant.  This follows each kind's parameters the way
`forms.checks.library` reads them (sections, question, group); checks of
the plan judge the plan, not answers.
"""

from __future__ import annotations

from forms.checks.kinds import CHECK_KINDS
from forms.model import AssessmentForm, Check

PLAN = "plan"
"""What the plan's checks (`smart`, `plan_covers`) judge, in place of answer paths."""


def judged_paths(check: Check, form: AssessmentForm) -> list[str]:
    """The answer paths (`section.question`) `check` reads in `form`, in form order; [PLAN] for the plan."""
    params = check.params
    chosen = params.get("sections")
    sections = [s for s in form.sections if chosen is None or s.id in chosen]
    if check.kind in ("smart", "plan_covers"):
        return [PLAN]
    if check.kind == "text_when":
        return [f"{s.id}.{params['question']}" for s in sections if s.question(params.get("question", ""))]
    if check.kind == "required":
        return [f"{s.id}.{q.id}" for s in sections for q in s.questions if q.required or q.require_if]
    if check.kind == "word_budget":
        return [f"{s.id}.{q.id}" for s in sections for q in s.questions if q.type == "text" and q.word_budget]
    if check.kind == "phrases":
        return [f"{s.id}.{q.id}" for s in sections for q in s.questions if q.type in ("text", "line")]
    spec = CHECK_KINDS.get(check.kind)
    named = spec.params.items() if spec else ()
    return [params[name] for name, param in named if param.type == "path" and params.get(name)]
