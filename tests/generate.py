"""Generated lesson libraries for scale tests and benchmarks: many lessons, realistic text."""

from __future__ import annotations

import random

from coach.domain.lessons import LessonLibrary, parse_lesson


def many_lessons(base: LessonLibrary, n: int, seed: int = 7) -> LessonLibrary:
    """``n`` lessons made by shuffling the shipped lessons' paragraphs under new headings."""
    rng = random.Random(seed)
    paragraphs = [
        p.strip()
        for lesson in base
        for p in lesson.body.split("\n\n")
        if p.strip() and not p.lstrip().startswith("#")
    ]
    library = LessonLibrary()
    for i in range(n):
        picked = rng.sample(paragraphs, k=min(len(paragraphs), 18))
        sections = [
            f"## Part {k + 1}\n\n" + "\n\n".join(picked[k * 6 : k * 6 + 6]) for k in range(3)
        ]
        text = f"---\ntitle: Generated lesson {i}\n---\n\n" + "\n\n".join(sections)
        lesson = parse_lesson(f"generated-{i:03}", text.encode(), f"generated-{i:03}.md", "test")
        library.lessons[lesson.id] = lesson
    return library
