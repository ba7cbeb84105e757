"""Writing activities: the loader, the offline checklist, offers, versions, check-ins, exports."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from coach.bootstrap import build_context
from coach.cli import main
from coach.domain.activities import check_references, load_activities, load_catalog
from coach.domain.feedback import Feedback, checklist, count_items, mentions_time
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.session import Context, Session
from coach.settings import Settings, resolve_settings
from coach.store.export import from_json, load_bundle, to_markdown
from tests.conftest import FIXED_NOW
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, play_session, turn

ACTIVITIES = Path(__file__).resolve().parents[1] / "prompts" / "activities"
TODAY = date(2026, 11, 21)
SAVINGS_EN = (
    "I need 120,000 pesos for the nursing school. I will put 5,000 aside every month on payday,"
    " in a separate bank account, so I will have it by December 2028."
)


@pytest.fixture
def contexts(settings: Settings) -> Iterator[Callable[[int], Context]]:
    opened: list[Context] = []

    def make(days: int) -> Context:
        ctx = build_context(settings, now=lambda: FIXED_NOW + timedelta(days=days))
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.store.close()


# --- the data ----------------------------------------------------------------------------


def test_the_shipped_activities_load_and_point_at_real_lessons_and_paths(
    flow: Flow, lessons: LessonLibrary
) -> None:
    catalog = load_activities(ACTIVITIES)
    assert catalog.notices == []
    assert len(catalog) >= 6
    assert list(check_references(catalog, flow, lessons)) == []
    assert {a.lesson for a in catalog} == {lesson.id for lesson in lessons}  # all three lessons
    for activity in catalog:
        assert activity.title("ru") != activity.title("en")  # really translated
        assert all(c.label("ru") != c.label("en") for c in activity.rubric)


def test_a_bad_activity_file_is_one_notice_and_the_rest_still_load(tmp_path: Path) -> None:
    for source in ACTIVITIES.glob("*.yaml"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")
    (tmp_path / "two-checks.yaml").write_text(
        (ACTIVITIES / "savings-plan.yaml")
        .read_text()
        .replace("id: savings-plan", "id: two-checks")
        .replace("check: {amount: true}", "check: {amount: true, date: true}")
    )
    (tmp_path / "same-id.yaml").write_text((ACTIVITIES / "dream-job.yaml").read_text())
    (tmp_path / "latin1.yaml").write_bytes("id: caf\xe9\n".encode("latin-1"))
    catalog = load_activities(tmp_path, "mine")
    problems = {n.source.split("/")[-1]: str(n) for n in catalog.notices}
    assert set(problems) == {"broken.yaml", "two-checks.yaml", "same-id.yaml", "latin1.yaml"}
    assert "broken.yaml:2: skipped: column 1: did not find expected" in problems["broken.yaml"]
    assert "exactly one of" in problems["two-checks.yaml"]
    assert "'dream-job' is taken" in problems["same-id.yaml"]
    assert "UTF-8" in problems["latin1.yaml"]
    assert len(catalog) == len(list(ACTIVITIES.glob("*.yaml")))


def test_a_lesson_folder_brings_its_own_activities(tmp_path: Path) -> None:
    (tmp_path / "activities").mkdir()
    mine = (ACTIVITIES / "dream-job.yaml").read_text().replace("Your dream job", "My version")
    (tmp_path / "activities" / "dream-job.yaml").write_text(mine)
    catalog = load_catalog(ACTIVITIES, [tmp_path])
    assert catalog.get("dream-job").title("en").startswith("My version")  # type: ignore[union-attr]
    assert len(catalog) == len(list(ACTIVITIES.glob("*.yaml")))


def test_coach_lessons_check_validates_activities_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lessons", "--check"]) == 0
    out = capsys.readouterr().out
    assert "savings-plan" in out and "7 activities ok" in out
    (tmp_path / "lesson.md").write_text("# A lesson\n\nText.\n")
    (tmp_path / "activities").mkdir()
    bad = (ACTIVITIES / "savings-plan.yaml").read_text().replace("[tuition,", "[nowhere,")
    (tmp_path / "activities" / "savings-plan.yaml").write_text(bad)
    (tmp_path / "activities" / "empty.yaml").write_text("")
    assert main(["lessons", "--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "path 'nowhere' is not in the flow" in out
    assert "empty.yaml: skipped: expected a mapping" in out


# --- the offline checklist -------------------------------------------------------------------


def test_the_checklist_finds_every_part_of_a_complete_savings_plan(flow: Flow) -> None:
    catalog = load_activities(ACTIVITIES)
    activity = catalog.get("savings-plan")
    assert activity is not None
    feedback = checklist(activity, SAVINGS_EN, "en", TODAY)
    assert feedback.missing == [] and len(feedback.present) == 4
    assert feedback.question == activity.deeper("en")
    text = feedback.render(flow, "en")
    assert "**What is there**" in text and "✓ an amount in numbers" in text
    assert "What is missing" not in text and "One question to go deeper:" in text


def test_the_checklist_names_what_is_missing_and_asks_about_it(flow: Flow) -> None:
    activity = load_activities(ACTIVITIES).get("savings-plan")
    assert activity is not None
    feedback = checklist(activity, "I will save some money from my salary.", "en", TODAY)
    assert "how much each month" in feedback.present
    assert feedback.missing == [
        "an amount in numbers",
        "a date or a number of months",
        "where the money will sit",
    ]
    assert feedback.question == "What is the total, as a number?"  # the first gap


def test_the_checklist_speaks_russian_to_russian_writing(flow: Flow) -> None:
    activity = load_activities(ACTIVITIES).get("three-skills")
    assert activity is not None
    text = "- общение с клиентами\n- терпение\n- быстрая печать, однажды клиент кричал"
    feedback = checklist(activity, text, "ru", TODAY)
    assert feedback.missing == []
    assert "три навыка, по одному в строке" in feedback.present
    assert "Чего не хватает" not in feedback.render(flow, "ru")
    one = checklist(activity, "терпение", "ru", TODAY)
    assert "три навыка, по одному в строке" in one.missing
    assert one.question.startswith("Какой третий навык")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("by March 2027", True),
        ("in 6 months", True),
        ("через полгода", True),
        ("через 6 месяцев", True),
        ("к сентябрю", True),
        ("on Friday", True),
        ("27.11", True),
        ("I may want to, someday", False),
        ("I like people", False),
    ],
)
def test_what_counts_as_a_date(text: str, found: bool) -> None:
    assert mentions_time(text, TODAY) is found


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("patience, typing and English", 3),
        ("- patience\n- typing\n\n- English\n", 3),
        ("1. calm\n2) listening", 2),
        ("терпение и печать", 2),
        ("", 0),
    ],
)
def test_counting_listed_items(text: str, items: int) -> None:
    assert count_items(text) == items


def test_feedback_survives_storage_and_bad_stored_data() -> None:
    feedback = Feedback(["a"], ["b"], "why?", "model")
    assert Feedback.from_json(feedback.to_json()) == feedback
    assert Feedback.from_json("") is None and Feedback.from_json("[1]") is None
    assert Feedback.from_json("{not json") is None


# --- in the conversation -------------------------------------------------------------------


async def test_choosing_a_path_offers_the_activity_that_fits(ctx: Context) -> None:
    session = Session.new(ctx, "en")
    await play_session(session, ENGLISH_ANSWERS, until="first_step")  # the tuition path chosen
    reply = session.messages[-1].content
    assert session.state.chosen_path == "tuition"
    assert "✎ A short writing activity fits this: **Your savings plan in numbers**" in reply
    assert reply.index("✎") < reply.index("small first step")  # then coaching goes on
    assert session.state.offered == "savings-plan"  # the tuition path's own, before generic ones


async def test_the_russian_path_offers_the_inbound_outbound_activity_in_russian(
    ctx: Context,
) -> None:
    session = Session.new(ctx, "ru")
    await play_session(session, RUSSIAN_ANSWERS, until="first_step")
    assert session.state.chosen_path == "get_hired"
    assert "Сюда подходит короткое письменное задание" in session.messages[-1].content
    activity = session.activity(session.state.offered)
    assert activity is not None and activity.id == "inbound-outbound"
    session.skip_activity(activity)  # then the ones that fit every path
    assert session.state.offered is None
    assert ctx.activities.to_offer(session.state, "path").id == "dream-job"  # type: ignore[union-attr]


async def test_revising_keeps_every_version_and_a_skip_never_hides_writing(ctx: Context) -> None:
    session = Session.new(ctx, "en")
    await turn(session, ENGLISH_ANSWERS["dream_job"])
    activity = ctx.activities.get("savings-plan")
    assert activity is not None
    session.save_activity_draft(activity.id, "I need 120,000")
    assert session.activity_draft(activity.id) == "I need 120,000"
    first = session.submit_activity(activity, "I need 120,000 pesos.")
    assert session.activity_draft(activity.id) is None  # the draft became version 1
    feedback, error = await session.feedback(activity, first)
    assert error is None and "a date or a number of months" in feedback.missing
    session.keep_feedback(first, feedback)
    second = session.submit_activity(activity, SAVINGS_EN)
    session.skip_activity(activity)
    assert (first.version, second.version) == (1, 2)
    versions = session.versions(activity.id)
    assert [(v.version, v.status) for v in versions] == [(1, "done"), (2, "done"), (0, "skipped")]
    assert versions[0].text == "I need 120,000 pesos." and versions[1].text == SAVINGS_EN
    assert Feedback.from_json(versions[0].feedback) == feedback
    work = ctx.store.state(session.conversation_id or "").activities[activity.id]
    assert (work.status, work.versions, work.text) == ("done", 2, SAVINGS_EN)


async def test_a_check_in_quotes_what_the_user_wrote_and_keeps_the_answer(
    contexts: Callable[[int], Context],
) -> None:
    first = contexts(0)
    session = Session.new(first, "en")
    await play_session(session, ENGLISH_ANSWERS)
    skills = first.activities.get("three-skills")
    assert skills is not None and session.conversation_id is not None
    session.submit_activity(skills, "My biggest skill is de-escalation. Then patience, typing.")

    later = Session.resume(contexts(7), session.conversation_id)
    check_in = {
        "checkin_kept": "done",
        "checkin_activity": "not yet, I will tonight",
        "checkin_next": "update my CV with de-escalation",
        "checkin_date": "Friday",
    }
    await play_session(later, check_in, until="checkin_activity")
    asked = later.messages[-1].content
    assert "*Three skills the call center gives you*" in asked
    assert "“My biggest skill is de-escalation.”" in asked
    assert "Did you put those skills on your CV?" in asked
    await play_session(later, check_in)
    check = later.state.check_ins[-1]
    assert (check.activity, check.activity_answer) == ("three-skills", "not yet, I will tonight")
    assert "✎ A short writing activity fits this" in later.messages[-1].content  # the next one

    week_after = Session.resume(contexts(14), session.conversation_id)
    # With no answer about the writing, the script stops with an error if it is asked again.
    await play_session(week_after, {"checkin_kept": "done"}, until="checkin_next")
    assert "de-escalation" not in week_after.messages[-1].content  # asked once per version
    assert "next small step" in week_after.messages[-1].content


async def test_the_exports_carry_the_activities_and_import_gives_them_back(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session.new(ctx, "en")
    await play_session(session, ENGLISH_ANSWERS, until="first_step")
    session.mark_read(["quit-customer-support"], "opened")
    activity = ctx.activities.get("savings-plan")
    assert activity is not None and session.conversation_id is not None
    version = session.submit_activity(activity, "I need 120,000 [bold]pesos[/bold].")
    feedback, _ = await session.feedback(activity, version)
    session.keep_feedback(version, feedback)
    session.submit_activity(activity, SAVINGS_EN)
    cid = session.conversation_id

    bundle = load_bundle(ctx.store, cid)
    markdown = to_markdown(bundle, ctx.flow, ctx.lessons, ctx.activities)
    assert "## Writing activities" in markdown and "### Your savings plan in numbers" in markdown
    assert "**Version 1**" in markdown and "**Version 2**" in markdown
    assert r"> I need 120,000 \[bold\]pesos\[/bold\]." in markdown  # literal, as typed
    assert "**What is missing**" in markdown
    assert "## Lessons read" in markdown and "Quit Your Customer Support Jobs" in markdown
    assert "Is Your Dream Job Working" in markdown  # cited when the paths were offered

    out = tmp_path / "out.json"
    assert main(["export", cid, "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [v["version"] for v in data["activities"]] == [1, 2]
    assert data["activities"][0]["feedback"]["missing"]
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "elsewhere"))
    assert main(["import", str(out)]) == 0
    other = build_context(resolve_settings())
    again = load_bundle(other.store, cid)
    assert [(v.version, v.text, v.feedback) for v in again.versions] == [
        (v.version, v.text, v.feedback) for v in bundle.versions
    ]
    assert [(r.lesson_id, r.how) for r in again.reads] == [
        (r.lesson_id, r.how) for r in bundle.reads
    ]
    other.store.close()
    assert from_json(out.read_text()).versions[1].text == SAVINGS_EN


def test_a_version_1_export_still_imports() -> None:
    data = {
        "format": "coach-conversation",
        "version": 1,
        "conversation": {
            "id": "abc",
            "title": "t",
            "created_at": datetime(2026, 1, 1).isoformat(),
            "updated_at": datetime(2026, 1, 1).isoformat(),
            "engine": "offline",
            "phase": "goal",
            "language": "en",
        },
        "messages": [],
        "state": {},
    }
    bundle = from_json(json.dumps(data))
    assert bundle.versions == [] and bundle.reads == []


@pytest.mark.parametrize(
    ("text", "words"),
    [("I need 120,000 pesos.", 4), ("don't stop, e-mail me", 4), ("", 0), ("Мне 5,5 тыс.", 3)],
)
def test_words_are_counted_as_a_reader_counts_them(text: str, words: int) -> None:
    """The editor's count: a number with separators, a contraction, a hyphenated word are one."""
    from coach.domain.text import word_count

    assert word_count(text) == words
