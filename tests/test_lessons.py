"""Lesson parsing: the shipped lessons (golden), lenient formats, and every bad-file case."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.domain.lessons import (
    MAX_LESSON_BYTES,
    LessonError,
    load_folder,
    load_library,
    parse_lesson,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "lessons"
PROMPTS = Path(__file__).resolve().parents[1] / "prompts" / "lessons"


def test_shipped_lessons_are_the_authors_text_unchanged() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/lessons is not beside this checkout")
    originals = sorted(p.read_bytes() for p in SHARED.iterdir())
    shipped = sorted(p.read_bytes() for p in PROMPTS.iterdir())
    assert originals == shipped


def test_golden_english_lesson_with_questions(lessons) -> None:  # type: ignore[no-untyped-def]
    lesson = lessons.get("dream-job-stepping-stone")
    assert lesson.title == "Is Your Dream Job Working for a Call Center or BPO?"
    assert lesson.language == "en"
    assert [q.question for q in lesson.questions] == [
        "Does your dream job require a diploma and you didn't finish college?",
        "Can you achieve your dream job by taking short online courses?",
        "Is your dream job a small business owner and you need capital?",
        "Do you want to just follow your passion or pursue a hobby?",
    ]
    assert (
        lesson.questions[0].advice == "Use the call center money to save up then pay your tuition."
    )
    assert lesson.questions[3].advice.startswith("Just work in a call center")


def test_golden_russian_lesson(lessons) -> None:  # type: ignore[no-untyped-def]
    lesson = lessons.get("call-center-operator-pitfalls-ru")
    assert lesson.title == "Я работаю оператором колл центра - все подводные камни профессии"
    assert lesson.language == "ru"
    assert lesson.sections == ("Вступление", "Как получить эту работу?")
    assert lesson.questions == ()


def test_golden_lesson_without_front_matter(lessons) -> None:  # type: ignore[no-untyped-def]
    lesson = lessons.get("quit-customer-support")
    assert lesson.title == "Quit Your Customer Support Jobs in 2022"
    assert lesson.language == "en"
    assert lesson.words > 900


def test_front_matter_with_trailing_spaces_crlf_and_bom() -> None:
    raw = "\ufeff--- \r\ntitle: Shifts   \r\nlang: ru \r\n---  \r\n\r\nТекст урока.\r\n".encode()
    lesson = parse_lesson("x", raw, "x.md")
    assert lesson.title == "Shifts"
    assert lesson.language == "ru"
    assert lesson.body.strip() == "Текст урока."
    assert "\r" not in lesson.body


def test_no_front_matter_takes_first_non_empty_line_as_title() -> None:
    lesson = parse_lesson("x", b"\n\n# Night shift survival\n\nSleep first.\n", "x.md")
    assert lesson.title == "Night shift survival"


def test_language_is_detected_from_the_text() -> None:
    assert parse_lesson("x", "Входящая линия и исходящая.".encode(), "x").language == "ru"
    assert parse_lesson("x", b"Inbound and outbound lines.", "x").language == "en"


def test_russian_questions_to_consider_section() -> None:
    text = "# Урок\n\n## Вопросы для размышления\n\nНужен ли диплом?\n\nКопите.\n\n## Дальше\n"
    lesson = parse_lesson("x", text.encode(), "x")
    assert [(q.question, q.advice) for q in lesson.questions] == [("Нужен ли диплом?", "Копите.")]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe\x00bad", "not valid UTF-8"),
        (b"Title\n\x00\x01", "NUL"),
        (b"---\ntitle: x\nno end\n", "never closed"),
        (b"---\ntitle: [unclosed\n---\nbody\n", r"^bad\.md:3: column 1: "),
        (b"---\n- a\n- b\n---\nbody\n", "key: value"),
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"x" * (MAX_LESSON_BYTES + 1), "larger than 1 MB"),
    ],
)
def test_bad_lesson_content_raises_a_one_line_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(LessonError, match=reason) as info:
        parse_lesson("bad", raw, "bad.md")
    assert "\n" not in str(info.value)


def test_a_bad_folder_skips_each_bad_file_with_one_warning(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# Good lesson\n\nText.\n")
    (tmp_path / "utf.md").write_bytes(b"\xff\xfe bad")
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "broken.md").write_text("---\ntitle: [\n---\nx\n")
    (tmp_path / "huge.md").write_bytes(b"a" * (MAX_LESSON_BYTES + 10))
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing-target")
    (tmp_path / "notes.png").write_bytes(b"\x89PNG")  # not a lesson: ignored silently
    lessons, notices = load_folder(tmp_path, str(tmp_path))
    assert [lesson.id for lesson in lessons] == ["good"]
    by_file = {Path(n.source).name: n.message for n in notices}
    assert set(by_file) == {
        "utf.md",
        "empty.md",
        "broken.md",
        "huge.md",
        "folder.md",
        "dangling.md",
    }
    assert "directory" in by_file["folder.md"]
    assert "cannot be read" in by_file["dangling.md"]
    assert all(message.startswith("skipped:") for message in by_file.values())


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n")
    secret.chmod(0)
    lessons, notices = load_folder(tmp_path, str(tmp_path))
    assert lessons == [] and "cannot be read" in notices[0].message


def test_user_folder_wins_on_the_same_id_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "dream-job-stepping-stone.md").write_text("# My own version\n\nText.\n")
    library = load_library(PROMPTS, [tmp_path])
    assert library.get("dream-job-stepping-stone").title == "My own version"  # type: ignore[union-attr]
    info = [n for n in library.notices if n.level == "info"]
    assert len(info) == 1 and "replaces lesson 'dream-job-stepping-stone'" in info[0].message
    assert library.warnings == []


def test_missing_extra_folder_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    library = load_library(PROMPTS, [tmp_path / "nope"])
    assert len(library) == 3
    assert "not found" in library.warnings[0].message


def test_built_in_lessons_are_named_the_same_on_every_machine(tmp_path: Path) -> None:
    """The reader shows where a lesson comes from: a user's folder by its real path, a shipped
    lesson as built-in/<file>, never the install path (it means nothing to a user, and made
    the reader's layout depend on where the app was installed)."""
    (tmp_path / "mine.md").write_text("# Mine\n\nText.\n")
    library = load_library(PROMPTS, [tmp_path])
    sources = {lesson.id: lesson.source for lesson in library}
    assert sources["dream-job-stepping-stone"] == "built-in/dream-job-stepping-stone.md"
    assert sources["mine"] == str(tmp_path / "mine.md")
    assert not any(str(PROMPTS) in source for source in sources.values())
