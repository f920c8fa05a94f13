"""The invented stories demo records are told from: one coherent case each, all made up.

Each story holds what a practitioner would write about one person on the
shipped assessment, so that the offence, the person's circumstances, the
risk levels and the plan agree with each other.  Text uses `{name}` for the
person's first name and "they" otherwise.  `storage.demo` turns a story into
answers for whatever version of the form it is given, keeping only the
answers the form asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Order:
    """The sentence or order a story's case is supervised under, agreeing with its plan and controls."""

    type: str
    months: int
    requirements: tuple[str, ...]
    court: str
    """"Magistrates' Court" or "Crown Court": the town is added per case."""


Area = tuple[str, str, str, str, str]
"""A linked life area: (linked to offending "yes"/"no", linked to harm, analysis, own view, strengths)."""


@dataclass(frozen=True)
class Story:
    """One invented case, as the shipped assessment asks it."""

    level: str
    """Overall risk of serious harm level (an option id of rosh.level)."""
    age: int
    answers: dict[str, Any]
    """Answers by path, other than the life areas' six shared questions."""
    areas: dict[str, Area]
    """Linked areas; every other area is answered "no" and "no"."""
    plan: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """Objective (goal, actions, measure) by area, for each linked area."""
    order: Order | None = None
    """The sentence or order, so the caseload shows when it ends."""


NO_CHILDREN: dict[str, Any] = {
    "safeguarding.children_contact": ["no_contact"],
    "safeguarding.child_concern": "no",
}
NOTHING_ELSE: dict[str, Any] = {
    "safeguarding.adult_at_risk": "no",
    "safeguarding.vulnerable": "no",
    "safeguarding.custody_coping": "not_relevant",
}

STORIES: tuple[Story, ...] = (
    # ------------------------------------------------------------ low: theft after a benefit sanction
    Story(
        level="low",
        age=34,
        answers={
            "offence.what_happened": "{name} took food and toiletries worth about forty pounds from a "
            "supermarket on two afternoons in one week, and walked out past the staff without paying.",
            "offence.own_account": '"I had nothing in the cupboard and my money had been stopped. I am '
            'not proud of it."',
            "offence.why": "Universal Credit had been sanctioned a fortnight earlier after a missed "
            "appointment, and {name} had no food at home and no one to borrow from.",
            "offence.patterns": "Two earlier thefts from shops, both when money had run out; none in "
            "the last three years.",
            "offence.victims": "The shop and its staff; no one was hurt or threatened.",
            "static.elements": ["none"],
            "static.victim_relationship": "none",
            "static.others": "alone",
            "static.pattern": "repeated",
            "static.responsibility": "all",
            "static.current_offence": "Theft from a shop (two offences)",
            "static.category": "theft",
            "static.age_first_sanction": 27,
            "static.previous_sanctions": 2,
            "static.likelihood": "medium",
            "static.likelihood_reasons": "Every theft so far came when money ran out; the benefit "
            "problem is being sorted, but it could happen again before the first payment arrives.",
            "accommodation.settled": "settled",
            "ete.situation": "looking",
            "finance.debt": "yes",
            "lifestyle.associates": "no",
            "drugs.misuse_now": "no",
            "alcohol.misuse_now": "no",
            "health.adjustments": "no",
            **NO_CHILDREN,
            "safeguarding.domestic_abuse": "none_known",
            **NOTHING_ELSE,
            "safeguarding.self_harm": "none_known",
            "rosh.who": {"public": {"community": "low"}, "staff": {"community": "low"}},
            "rosh.harm": "Little risk of serious harm: the thefts involved no threats or force.",
            "rosh.imminence": "not_imminent",
            "rosh.level": "low",
            "rosh.reasoning": "Nothing in the offences or the history points to serious harm: no "
            "violence, threats or weapons, and no one was targeted. The risk is of further shop "
            "theft when money runs out, which is a matter of likelihood, not of serious harm, so "
            "the level is low.",
            "protective.stopped_before": "Three years of steady income while working at a warehouse.",
            "protective.people_places": "A neighbour who helps with forms, and the local food bank.",
            "protective.proud_of": "Keeping the flat going through a hard year.",
        },
        areas={
            "finance": (
                "yes",
                "no",
                "Both thefts came within two weeks of the benefit sanction, when {name} had no "
                "money for food; the bank statements and the benefit letter show the timing, and "
                "the earlier thefts followed the same pattern.",
                '"If my money was sorted I would not be in this mess."',
                "Budgets carefully when money comes in.",
            ),
        },
        plan={
            "finance": (
                "I will get my benefit sorted and keep a small buffer so that I am never without food again.",
                "Ask for the sanction to be looked at again; book the money adviser; set up a food bank "
                "referral for the gap.",
                "Benefit paid in full, and a written budget we both have.",
            ),
        },
        order=Order("community order", 12, ("rehabilitation activity: 10 days",), "Magistrates' Court"),
    ),
    # ------------------------------------------------------------ medium: assault after drinking
    Story(
        level="medium",
        age=27,
        answers={
            "offence.what_happened": "After an argument outside a pub at closing time, {name} punched "
            "a man they had known for years; he fell and needed stitches to his eyebrow.",
            "offence.own_account": '"He was winding me up all night and I just snapped. I wish I '
            "hadn't. I'd had far too much.\"",
            "offence.why": "{name} had been drinking since the afternoon and felt shown up in front "
            "of friends; the argument was about money owed.",
            "offence.patterns": "Two earlier fights, both late at night after drinking, with men "
            "{name} knew; this one caused the most harm.",
            "offence.victims": "The man who was punched; his partner saw it happen.",
            "static.elements": ["violence"],
            "static.victim_relationship": "known",
            "static.victim_age": "adult",
            "static.victim_chosen": "chance",
            "static.others": "alone",
            "static.pattern": "escalating",
            "static.responsibility": "some",
            "static.current_offence": "Assault causing actual bodily harm",
            "static.category": "violence",
            "static.age_first_sanction": 19,
            "static.previous_sanctions": 3,
            "static.likelihood": "medium",
            "static.likelihood_reasons": "Three earlier offences, all violence after drinking, and "
            "the drinking has not changed yet; a steady job and a supportive sister weigh the other way.",
            "accommodation.settled": "settled",
            "ete.situation": "work",
            "finance.debt": "no",
            "lifestyle.associates": "no",
            "drugs.misuse_now": "no",
            "alcohol.misuse_now": "yes",
            "health.adjustments": "no",
            **NO_CHILDREN,
            "safeguarding.domestic_abuse": "none_known",
            **NOTHING_ELSE,
            "safeguarding.self_harm": "none_known",
            "rosh.who": {
                "public": {"community": "medium", "custody": "low"},
                "known_adult": {"community": "medium"},
                "staff": {"community": "low"},
            },
            "rosh.harm": "Physical harm from punches or kicks in an argument, most likely late at "
            "night after heavy drinking, to men {name} knows.",
            "rosh.imminence": "not_imminent",
            "rosh.raises": "Drinking all day at weekends, money disputes with friends, and the town "
            "centre pubs at closing time.",
            "rosh.reduces": "Work on weekday mornings, time with a sister who does not drink, and "
            "staying home on nights after payday, which has held for six weeks now.",
            "rosh.level": "medium",
            "rosh.reasoning": "There is a pattern of violence that is getting more serious, always "
            "after heavy drinking and always with men {name} knows. Serious harm is possible if the "
            "drinking carries on, but {name} is working, has support, and has kept to the plan so "
            "far, so harm is not imminent. That puts the level at medium, not high.",
            "rmp.agencies": [
                {"who": "Alcohol service, key worker", "part": "Assessment and weekly sessions"},
                {"who": "Employer, line manager", "part": "Agreed shift pattern (no late finishes)"},
            ],
            "rmp.supervision": "Weekly appointments at the office for the first twelve weeks, then "
            "fortnightly; one home visit in the first month.",
            "rmp.controls": ["conditions"],
            "rmp.controls_detail": "The order's alcohol treatment requirement: attendance is "
            "confirmed each week by the alcohol service.",
            "rmp.interventions": "Alcohol treatment requirement from week two; the thinking skills "
            "programme once the drinking is steadier, around week ten.",
            "rmp.victim_safety": [
                {
                    "group": "known_adult",
                    "who": "The man who was punched",
                    "plan": "No contact condition; police told of any sighting",
                },
                {
                    "group": "public",
                    "who": "People in the town centre at closing time",
                    "plan": "Agreed to stay out of the town-centre pubs on weekend nights",
                },
            ],
            "rmp.contingency": [
                {
                    "if_this": "Misses the alcohol service twice",
                    "we_do": "Home visit and review the plan with the key worker",
                    "by_when": "Within five working days",
                },
                {
                    "if_this": "Arrested or reported for violence",
                    "we_do": "Review the level and consider breach proceedings",
                    "by_when": "Next working day",
                },
            ],
            "rmp.mappa_category": "not_mappa",
            "protective.stopped_before": "A steady job and a partner who did not drink kept {name} out "
            "of trouble for two years.",
            "protective.people_places": "A sister, the gym on the high street, and Sunday football.",
            "protective.proud_of": "Finishing a forklift licence.",
        },
        areas={
            "alcohol": (
                "yes",
                "yes",
                "Every fight on record came after drinking from the afternoon onwards, and {name} "
                "says they lose track of how much after the fourth pint; the police summary and the "
                "pre-sentence report both describe heavy drinking that night.",
                '"I know the drink is the problem. I want to cut down."',
                "Went six months without drinking last year.",
            ),
            "thinking": (
                "yes",
                "yes",
                "When {name} feels shown up in front of others, they react at once and only think "
                "afterwards; they describe this in their own account and the two earlier fights "
                "started the same way, with a remark taken as an insult.",
                '"I go from nothing to angry in a second."',
                "Can talk through what went wrong afterwards.",
            ),
        },
        plan={
            "alcohol": (
                "I will cut down my drinking so that I stay out of fights and keep my job.",
                "Go to the alcohol service every week; keep a drink diary; plan weekends in advance.",
                "Fewer drinking days in the diary, confirmed by the key worker.",
            ),
            "thinking": (
                "I will spot the moment I start to lose my temper so that I can walk away.",
                "Complete the thinking skills sessions; practise leaving when I feel it building.",
                "Times I walked away, written down and talked through each month.",
            ),
        },
        order=Order(
            "community order",
            18,
            (
                "alcohol treatment: 6 months",
                "rehabilitation activity: 20 days",
                "programme: thinking skills",
                "prohibited activity: no contact with the man harmed",
            ),
            "Magistrates' Court",
        ),
    ),
    # ------------------------------------------------------------ high: harassment of a former partner
    Story(
        level="high",
        age=39,
        answers={
            "offence.what_happened": "Over three weeks {name} sent more than two hundred messages to a "
            "former partner, turned up at her flat twice at night, and damaged her car after she "
            "asked them to stop.",
            "offence.own_account": '"I just wanted to talk to her about the kids. I know it went too '
            'far, but she would not answer."',
            "offence.why": "The relationship had ended a month before and {name} had lost daily "
            "contact with the children; they were drinking and sleeping badly.",
            "offence.patterns": "Police were called to the home three times during the relationship "
            "for arguments; no charges. This is the first conviction for this behaviour.",
            "offence.victims": "The former partner, and the two children, who saw some of the "
            "messages and were at home when {name} came to the door.",
            "static.elements": ["domestic_abuse"],
            "static.victim_relationship": "partner",
            "static.victim_age": "adult",
            "static.victim_chosen": "targeted",
            "static.others": "alone",
            "static.pattern": "escalating",
            "static.responsibility": "some",
            "static.current_offence": "Harassment, and criminal damage to a car",
            "static.category": "violence",
            "static.age_first_sanction": 38,
            "static.previous_sanctions": 0,
            "static.likelihood": "medium",
            "static.likelihood_reasons": "No earlier convictions, but the behaviour escalated over "
            "weeks and the wish for contact with the children has not gone away.",
            "accommodation.settled": "unsettled",
            "ete.situation": "work",
            "finance.debt": "no",
            "lifestyle.associates": "no",
            "drugs.misuse_now": "no",
            "alcohol.misuse_now": "yes",
            "health.adjustments": "no",
            "safeguarding.children_contact": ["other_contact"],
            "safeguarding.child_concern": "yes",
            "safeguarding.child_plan": "in_need",
            "safeguarding.child_checks": [
                {
                    "with_whom": "Children's services, duty social worker",
                    "date": "{start-3}",
                    "result": "Child in need plan; supervised contact only",
                },
            ],
            "safeguarding.domestic_abuse": "used",
            "safeguarding.domestic_abuse_checks": [
                {
                    "with_whom": "Police domestic abuse unit",
                    "date": "{start-5}",
                    "result": "Three call-outs in two years; no charges",
                },
                {
                    "with_whom": "Multi-agency risk assessment conference",
                    "date": "{start-2}",
                    "result": "Former partner's case heard; safety plan in place",
                },
            ],
            **NOTHING_ELSE,
            "safeguarding.self_harm": "past",
            "safeguarding.self_harm_detail": "Took an overdose after the break-up, a month before the "
            "offence; saw the GP and a crisis worker. No thoughts of it now, and knows who to call.",
            "rosh.who": {
                "children": {"community": "medium"},
                "known_adult": {"community": "high", "custody": "medium"},
                "public": {"community": "low"},
            },
            "rosh.harm": "Emotional harm and fear to the former partner through unwanted contact, "
            "with a risk of physical harm if {name} turns up again after drinking; the children "
            "harmed by seeing it.",
            "rosh.imminence": "soon",
            "rosh.raises": "Drinking, news about the children or a new partner, and court dates about "
            "contact.",
            "rosh.reduces": "The supervised contact arrangement, keeping away from the area, and "
            "talking to the practitioner before acting when angry.",
            "rosh.level": "high",
            "rosh.reasoning": "The behaviour escalated over three weeks from messages to visits at "
            "night and damage, aimed at one person, despite being asked to stop. The triggers "
            "(contact with the children, drinking) are still present and could come soon, so serious "
            "harm to the former partner could happen without warning: the level is high.",
            "rosh.intelligence": "Police report three call-outs to the former home in two years, "
            "most recently four months ago; none led to a charge.",
            "rmp.agencies": [
                {
                    "who": "Children's services, allocated social worker",
                    "part": "Supervised contact and the child in need plan",
                },
                {"who": "Police domestic abuse officer", "part": "Flags the former partner's address"},
                {"who": "Independent domestic violence adviser", "part": "Supports the former partner"},
            ],
            "rmp.supervision": "Twice weekly in the office for the first eight weeks, then weekly; "
            "unannounced home visits monthly.",
            "rmp.controls": ["conditions", "exclusion", "no_contact"],
            "rmp.controls_detail": "Restraining order: no contact with the former partner and an "
            "exclusion zone around her street. Breaches are reported by the police unit.",
            "rmp.interventions": "The domestic abuse programme from week four; alcohol service "
            "assessment in the first fortnight.",
            "rmp.victim_safety": [
                {
                    "group": "known_adult",
                    "who": "Former partner",
                    "plan": "Safety plan with her adviser; address flagged with police",
                },
                {
                    "group": "children",
                    "who": "The two children",
                    "plan": "Contact only at the supervised centre",
                },
            ],
            "rmp.contingency": [
                {
                    "if_this": "Any contact with the former partner",
                    "we_do": "Tell the police and her adviser; recall to office the same day",
                    "by_when": "Same day",
                },
                {
                    "if_this": "Drinking again heavily",
                    "we_do": "Increase contact and refer back to the alcohol service",
                    "by_when": "Within two working days",
                },
            ],
            "rmp.mappa_category": "category_2",
            "rmp.mappa_level": "level_1",
            "rmp.last_meeting": "{start-2}",
            "protective.stopped_before": "Before the break-up {name} had no convictions and a job held "
            "for eleven years.",
            "protective.people_places": "A brother who has offered a room, and the workplace.",
            "protective.proud_of": "Being a dad who never missed a school parents' evening.",
        },
        areas={
            "relationships": (
                "yes",
                "yes",
                "The offence grew out of the end of the relationship and the loss of daily contact "
                "with the children; police call-outs during the relationship and the partner's "
                "statement show a pattern of controlling behaviour before it ended.",
                '"I need to accept it is over and go through the proper channels."',
                "Loves the children and wants to see them safely.",
            ),
            "alcohol": (
                "no",
                "yes",
                "Both night visits came after an evening of drinking, and {name} says drink makes the "
                "anger about the children feel unbearable; the police log records that they smelled "
                "strongly of alcohol at the door.",
                '"When I have had a drink I cannot leave it alone."',
                "Stopped drinking at home after the break-up.",
            ),
            "emotional": (
                "no",
                "yes",
                "Low mood and an overdose after the break-up came just before the offending began; "
                "{name} describes feeling desperate and the GP letter confirms the crisis contact "
                "a month before the first messages.",
                '"I was in a really bad place. I still am some days."',
                "Asked the GP for help themselves.",
            ),
        },
        plan={
            "relationships": (
                "I will keep to the contact arrangements so that I can see my children safely.",
                "Contact only through the social worker; start the domestic abuse programme.",
                "No contact outside the arrangements, and sessions attended.",
            ),
            "alcohol": (
                "I will stop drinking on days I feel angry about the children so that I do not act on it.",
                "Go to the alcohol service assessment; call my brother instead of drinking.",
                "The alcohol worker's review and my own diary.",
            ),
            "emotional": (
                "I will get help with my mood so that I can cope without hurting myself or anyone else.",
                "See my GP monthly; accept the talking therapy referral.",
                "Appointments attended, and a safety plan I helped write.",
            ),
        },
        order=Order(
            "suspended sentence order",
            24,
            (
                "programme: domestic abuse",
                "rehabilitation activity: 25 days",
                "restraining order: no contact with the former partner, not to enter her street",
            ),
            "Magistrates' Court",
        ),
    ),
    # ------------------------------------------------------------ medium: burglary to pay for heroin
    Story(
        level="medium",
        age=31,
        answers={
            "offence.what_happened": "{name} broke into two sheds and a garage on one estate over a "
            "weekend and took tools and a bicycle, which they sold the same day.",
            "offence.own_account": "\"I was clucking and needed money. I didn't think about whose "
            'stuff it was."',
            "offence.why": "{name} had been using heroin daily for a year, had been evicted, and was "
            "sleeping on a friend's floor with no income.",
            "offence.patterns": "Four earlier thefts and one earlier burglary, all while using; a "
            "two-year gap while on a prescription.",
            "offence.victims": "The owners of the sheds and garage; one, an older man, said he no "
            "longer feels safe in his garden.",
            "static.elements": ["none"],
            "static.victim_relationship": "stranger",
            "static.victim_age": "mixed",
            "static.victim_chosen": "chance",
            "static.others": "alone",
            "static.pattern": "repeated",
            "static.responsibility": "all",
            "static.current_offence": "Burglary (non-dwelling), three offences",
            "static.category": "burglary",
            "static.age_first_sanction": 17,
            "static.previous_sanctions": 5,
            "static.likelihood": "high",
            "static.likelihood_reasons": "Offending has tracked drug use for over ten years and "
            "{name} has no income or stable address; it stopped only while on a prescription.",
            "accommodation.settled": "nfa",
            "ete.situation": "unable",
            "finance.debt": "yes",
            "lifestyle.associates": "yes",
            "drugs.misuse_now": "yes",
            "drugs.which": ["opiates"],
            "alcohol.misuse_now": "no",
            "health.adjustments": "no",
            **NO_CHILDREN,
            "safeguarding.domestic_abuse": "none_known",
            "safeguarding.adult_at_risk": "no",
            "safeguarding.vulnerable": "yes",
            "safeguarding.vulnerable_detail": "Owes money to a dealer who has threatened them; "
            "referred to the exploitation lead and advised on reporting.",
            "safeguarding.custody_coping": "concerns",
            "safeguarding.self_harm": "none_known",
            "rosh.who": {
                "public": {"community": "medium", "custody": "low"},
                "staff": {"community": "low"},
            },
            "rosh.harm": "Fear and loss to householders; a risk of a confrontation if someone comes "
            "out while {name} is in their garden or garage.",
            "rosh.imminence": "soon",
            "rosh.raises": "Using heroin without a prescription, being without a place to stay, and "
            "pressure from the dealer over the debt.",
            "rosh.reduces": "A methadone prescription, a supported housing place, and keeping away from "
            "the friend whose flat is used for dealing.",
            "rosh.level": "medium",
            "rosh.reasoning": "The burglaries were of outbuildings, with no one present and no "
            "weapons, but they were repeated and unplanned, and a householder coming out could lead "
            "to a confrontation. With drug use and homelessness unchanged it could happen again "
            "soon, so the level is medium.",
            "rmp.agencies": [
                {"who": "Drug service, prescribing nurse", "part": "Methadone prescription and key work"},
                {"who": "Council housing options, caseworker", "part": "Supported housing referral"},
            ],
            "rmp.supervision": "Weekly office appointments, moved to the drug service building on "
            "prescription days so that one trip covers both.",
            "rmp.controls": ["conditions"],
            "rmp.controls_detail": "Drug rehabilitation requirement with monthly tests; the drug "
            "service sends results to the practitioner.",
            "rmp.interventions": "Drug rehabilitation requirement from the first week; a peer mentor "
            "through the recovery service.",
            "rmp.victim_safety": [
                {
                    "group": "public",
                    "who": "Householders on the estate",
                    "plan": "Police told of the pattern; no return to the estate",
                },
            ],
            "rmp.contingency": [
                {
                    "if_this": "A positive test for heroin on top of the prescription",
                    "we_do": "Review with the prescribing nurse and increase contact",
                    "by_when": "Within a week",
                },
                {
                    "if_this": "Loses the supported housing place",
                    "we_do": "Same-day referral to the council's emergency team",
                    "by_when": "Same day",
                },
            ],
            "rmp.mappa_category": "not_mappa",
            "protective.stopped_before": "A methadone prescription two years ago, while living with "
            "their mother.",
            "protective.people_places": "Their mother, and the recovery cafe in town.",
            "protective.proud_of": "Two years clean, and helping their mother after her operation.",
        },
        areas={
            "drugs": (
                "yes",
                "no",
                "Each burglary paid for heroin that day, and {name} says they were withdrawing when "
                "they broke in; the offending stopped completely during the two years on a "
                "prescription, which the drug service confirms.",
                '"I want to get back on a script. I was well on it."',
                "Stayed stable for two years on a prescription.",
            ),
            "accommodation": (
                "yes",
                "no",
                "Since the eviction {name} has slept on the floor of a flat where drugs are sold, "
                "which keeps them using and in debt; the eviction letter and their account agree "
                "on the timing, and the offending began soon after it.",
                '"If I had my own place I could keep away from them."',
                "Kept a tenancy for three years before.",
            ),
            "finance": (
                "yes",
                "no",
                "With no benefit claim since the eviction and a debt to a dealer, {name} has no money "
                "except what is stolen; the threats over the debt came the week before the burglaries, "
                "as they describe.",
                '"I need to get my money sorted so they leave me alone."',
                "Has claimed benefits before without trouble.",
            ),
        },
        plan={
            "drugs": (
                "I will get back on a prescription so that I do not need to steal to pay for heroin.",
                "Go to the drug service assessment; collect my script as arranged.",
                "Script collected regularly, confirmed by the service.",
            ),
            "accommodation": (
                "I will move into supported housing so that I am away from the flat where drugs are sold.",
                "Go to the council with ID; accept the supported housing place.",
                "A licence agreement in my name.",
            ),
            "finance": (
                "I will make a new benefit claim so that I have money of my own.",
                "Claim with help from the housing worker; tell the practitioner if the dealer makes contact.",
                "The first payment received.",
            ),
        },
        order=Order(
            "community order",
            24,
            ("drug rehabilitation: 12 months, with monthly tests", "rehabilitation activity: 15 days"),
            "Magistrates' Court",
        ),
    ),
    # ------------------------------------------------------------ low: drink driving
    Story(
        level="low",
        age=45,
        answers={
            "offence.what_happened": "{name} was stopped driving home from a works party at midnight "
            "and was found to be more than twice the legal limit.",
            "offence.own_account": '"I thought I was fine to drive. I only had a couple. Now I know '
            'I was not."',
            "offence.why": "There was no late bus, and {name} did not want to pay for a taxi after "
            "being told the party would end early.",
            "offence.patterns": "The first offence of any kind.",
            "offence.victims": "No one was harmed.",
            "static.elements": ["none"],
            "static.victim_relationship": "none",
            "static.others": "alone",
            "static.pattern": "first",
            "static.responsibility": "all",
            "static.current_offence": "Driving with excess alcohol",
            "static.category": "motoring",
            "static.age_first_sanction": 45,
            "static.previous_sanctions": 0,
            "static.likelihood": "low",
            "static.likelihood_reasons": "A first offence, with a settled home and job, and the car "
            "sold since; the drinking was a one-off rather than a pattern.",
            "accommodation.settled": "settled",
            "ete.situation": "work",
            "finance.debt": "no",
            "lifestyle.associates": "no",
            "drugs.misuse_now": "no",
            "alcohol.misuse_now": "no",
            "health.adjustments": "no",
            "safeguarding.children_contact": ["lives_with"],
            "safeguarding.child_concern": "no",
            "safeguarding.child_plan": "none",
            "safeguarding.child_checks": [
                {
                    "with_whom": "Children's services, front door",
                    "date": "{start-4}",
                    "result": "Not known to the service",
                },
            ],
            "safeguarding.domestic_abuse": "none_known",
            **NOTHING_ELSE,
            "safeguarding.self_harm": "none_known",
            "rosh.who": {"public": {"community": "low"}},
            "rosh.harm": "Had they crashed, serious injury to other road users; there is no sign "
            "of it happening again.",
            "rosh.imminence": "not_imminent",
            "rosh.level": "low",
            "rosh.reasoning": "The offence carried a risk of serious harm on the night, but it was a "
            "first offence, {name} no longer has a car, and there is no wider pattern of drinking or "
            "risky driving. Nothing suggests serious harm is likely now, so the level is low.",
            "protective.stopped_before": "No offending before this.",
            "protective.people_places": "A partner and two teenagers at home; the running club.",
            "protective.proud_of": "Twenty years at the same firm.",
        },
        areas={
            "alcohol": (
                "yes",
                "no",
                "The offence happened only because {name} had been drinking at the party and judged "
                "themselves fit to drive; there is no sign of wider problem drinking, but the "
                "misjudgement of how much they had drunk is the clearest link.",
                '"I will never drive after a drink again."',
                "Drinks rarely, and only at weekends.",
            ),
        },
        plan={
            "alcohol": (
                "I will plan how I get home before any night out so that I never drive after drinking.",
                "Complete the drink-drive course; agree a lift or taxi plan with my partner.",
                "Course certificate, and the plan written down.",
            ),
        },
        order=Order("community order", 12, ("unpaid work: 100 hours",), "Magistrates' Court"),
    ),
    # ------------------------------------------------------------ very high: robbery with a knife
    Story(
        level="very_high",
        age=20,
        answers={
            "offence.what_happened": "With two others, {name} stopped a sixteen-year-old in a park, "
            "showed a knife, and took his phone and trainers; the boy was pushed to the ground.",
            "offence.own_account": "\"It was the others' idea. I only had the knife because people "
            'have been after me."',
            "offence.why": "{name} owed money to an older man they sell cannabis for, who told them "
            "to bring back phones; they say they carry a knife since being attacked last year.",
            "offence.patterns": "A caution for carrying a knife at seventeen and a conviction for a "
            "street robbery of another teenager at eighteen; each more serious than the last.",
            "offence.victims": "The sixteen-year-old, who was hurt and is frightened to go out; his "
            "mother, who has written about the effect on the family.",
            "static.elements": ["violence", "weapon", "child"],
            "static.victim_relationship": "stranger",
            "static.victim_age": "child",
            "static.victim_chosen": "vulnerable",
            "static.others": "took_part",
            "static.pattern": "escalating",
            "static.responsibility": "some",
            "static.current_offence": "Robbery, with an offensive weapon",
            "static.category": "robbery",
            "static.age_first_sanction": 17,
            "static.previous_sanctions": 2,
            "static.likelihood": "high",
            "static.likelihood_reasons": "Young, with offending that has grown more serious in three "
            "years, a weapon carried daily, and the debt that drove it still owed.",
            "accommodation.settled": "settled",
            "ete.situation": "looking",
            "finance.debt": "yes",
            "lifestyle.associates": "yes",
            "drugs.misuse_now": "yes",
            "drugs.which": ["cannabis"],
            "alcohol.misuse_now": "no",
            "health.adjustments": "yes",
            "health.adjustments_what": "Dyslexia: letters read aloud, appointments by text.",
            "safeguarding.children_contact": ["lives_with"],
            "safeguarding.child_concern": "no",
            "safeguarding.child_plan": "none",
            "safeguarding.child_checks": [
                {
                    "with_whom": "Children's services, front door",
                    "date": "{start-6}",
                    "result": "Younger brother at home; no open case",
                },
            ],
            "safeguarding.domestic_abuse": "none_known",
            "safeguarding.adult_at_risk": "no",
            "safeguarding.vulnerable": "yes",
            "safeguarding.vulnerable_detail": "Criminally exploited by an older man over a drug debt; "
            "referred under the national referral mechanism and to the youth violence team.",
            "safeguarding.self_harm": "none_known",
            "safeguarding.custody_coping": "concerns",
            "rosh.who": {
                "children": {"community": "very_high", "custody": "medium"},
                "public": {"community": "high", "custody": "medium"},
                "staff": {"community": "medium"},
                "in_custody": {"custody": "medium"},
            },
            "rosh.harm": "Serious injury from a knife to teenagers targeted for phones, or in a "
            "confrontation with people {name} fears.",
            "rosh.imminence": "imminent",
            "rosh.raises": "Pressure from the man they owe, carrying a knife, and time in the park "
            "with the same group after school hours.",
            "rosh.reduces": "The youth violence team's mentor, time at the boxing gym, and their "
            "mother's home, where the group does not come.",
            "rosh.level": "very_high",
            "rosh.reasoning": "A knife was used to rob a child, chosen because he was alone and "
            "younger, and this follows an earlier robbery and a knife caution. The debt and the man "
            "behind it are still there and {name} still carries a knife for fear of attack, so serious "
            "harm could happen at any time: the level is very high until those change.",
            "rosh.intelligence": "Police intelligence links {name} to a local drug supply line run by "
            "an older man; not tested in court.",
            "rmp.agencies": [
                {"who": "Youth violence team, mentor", "part": "Twice weekly contact and diversion"},
                {
                    "who": "Police gangs unit, named officer",
                    "part": "Shares intelligence; disrupts the supply line",
                },
                {"who": "Modern slavery lead", "part": "National referral mechanism decision"},
            ],
            "rmp.supervision": "Three appointments a week for the first six weeks, one at home; "
            "reviewed with a manager every fortnight.",
            "rmp.controls": ["curfew", "exclusion", "tag"],
            "rmp.controls_detail": "Curfew 7pm to 7am with an electronic tag; exclusion from the park "
            "and the estate where the supply line works. The tag company reports breaches daily.",
            "rmp.interventions": "Knife crime awareness work with the youth team; the thinking skills "
            "programme; boxing gym three evenings a week.",
            "rmp.victim_safety": [
                {
                    "group": "children",
                    "who": "The boy who was robbed",
                    "plan": "Exclusion zone covers his school route; family told via police",
                },
                {
                    "group": "children",
                    "who": "Teenagers in the park",
                    "plan": "Exclusion from the park; police patrols after school",
                },
                {
                    "group": "public",
                    "who": "Anyone caught up in a confrontation with people {name} fears",
                    "plan": "Tagged curfew keeps {name} home in the evenings; police told whom {name} fears",
                },
                {
                    "group": "staff",
                    "who": "Office and home-visit staff",
                    "plan": "Two staff at office appointments; no lone home visits",
                },
                {
                    "group": "in_custody",
                    "who": "Others in custody, if sentenced for a breach",
                    "plan": "Custody told of the knife risk and the exploitation on arrival",
                },
            ],
            "rmp.contingency": [
                {
                    "if_this": "Found carrying a knife",
                    "we_do": "Breach: back to court, and review the level",
                    "by_when": "Same day",
                },
                {
                    "if_this": "Tag shows time in the exclusion zone",
                    "we_do": "Call, then home visit with police",
                    "by_when": "Within 24 hours",
                },
                {
                    "if_this": "Threats from the man they owe",
                    "we_do": "Emergency meeting with police and the youth team",
                    "by_when": "Same day",
                },
            ],
            "rmp.mappa_category": "category_2",
            "rmp.mappa_level": "level_2",
            "rmp.last_meeting": "{start-1}",
            "protective.stopped_before": "A few months at college with a tutor they trusted.",
            "protective.people_places": "Their mother, the boxing coach, and the youth team mentor.",
            "protective.proud_of": "Winning a junior boxing bout.",
        },
        areas={
            "lifestyle": (
                "yes",
                "yes",
                "The robbery was done with the same group {name} spends every afternoon with, on the "
                "orders of the man they owe; police intelligence and their own account both place "
                "the group at the centre of the offending.",
                '"If I stop, they will come after me. I want out."',
                "Goes to the boxing gym most weeks.",
            ),
            "thinking": (
                "yes",
                "yes",
                "{name} acts on fear at once and does not weigh what could happen, as in carrying a "
                "knife for protection; their account of the robbery shows no thought of the harm to "
                "the boy until afterwards.",
                '"I did not think about him at the time."',
                "Listens to the boxing coach and the mentor.",
            ),
            "finance": (
                "yes",
                "no",
                "The debt to the older man is what sent {name} out to take phones; they have no "
                "income of their own, and the debt has grown since, by their own account and the "
                "youth team's notes.",
                '"I just need the debt gone."',
                "Has kept a part-time job before.",
            ),
        },
        plan={
            "lifestyle": (
                "I will spend my evenings at the gym and at home so that I am away from the group.",
                "Go to the boxing gym three evenings a week; keep to the curfew.",
                "Gym attendance, and no curfew breaches.",
            ),
            "thinking": (
                "I will stop and think about what could happen before I act when I am scared.",
                "Complete the knife crime sessions and the thinking skills programme.",
                "Sessions completed, and situations we talked through.",
            ),
            "finance": (
                "I will get help to deal with the debt so that no one can make me do things for them.",
                "Tell the youth team mentor about the debt; start a course with a paid placement.",
                "A safety plan about the debt, and income of my own.",
            ),
        },
        order=Order(
            "suspended sentence order",
            24,
            (
                "curfew: 7pm to 7am, electronically monitored, 6 months",
                "exclusion: the park and the estate, 12 months",
                "rehabilitation activity: 30 days",
                "programme: thinking skills",
            ),
            "Crown Court",
        ),
    ),
)
