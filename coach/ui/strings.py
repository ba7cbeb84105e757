"""Interface labels in English and Russian, following the conversation's language."""

from __future__ import annotations

from coach.domain.text import Language

_STRINGS: dict[str, tuple[str, str]] = {
    "you": ("You", "Вы"),
    "coach": ("Coach", "Коуч"),
    "offline_badge": (
        "OFFLINE GUIDED MODE · no AI model",
        "ОФЛАЙН-РЕЖИМ С ПОДСКАЗКАМИ · без ИИ-модели",
    ),
    "progress": ("Progress", "Этапы"),
    "answers": ("Your answers", "Ваши ответы"),
    "plan": ("Plan card", "Карточка плана"),
    "no_plan": ("Your plan appears here at the end.", "Ваш план появится здесь в конце."),
    "placeholder": (
        "Type your answer. Enter sends, Ctrl+J adds a new line.",
        "Напишите ответ. Enter отправляет, Ctrl+J переносит строку.",
    ),
    "yes": ("yes", "да"),
    "no": ("no", "нет"),
    "unsure": ("not sure", "не уверен(а)"),
    "conversations": ("Conversations", "Разговоры"),
    "title": ("Title", "Название"),
    "phase": ("Phase", "Этап"),
    "last_activity": ("Last activity", "Последняя активность"),
    "messages": ("Messages", "Сообщений"),
    "untitled": ("(no answers yet)", "(пока без ответов)"),
    "no_conversations": (
        "No saved conversations yet. Press N to start one.",
        "Сохранённых разговоров пока нет. Нажмите N, чтобы начать.",
    ),
    "confirm_delete": (
        "Delete this conversation for good, with its plan?",
        "Удалить этот разговор вместе с планом навсегда?",
    ),
    "delete": ("Delete", "Удалить"),
    "cancel": ("Cancel", "Отмена"),
    "deleted": ("Conversation deleted.", "Разговор удалён."),
    "thinking": ("The coach is answering… (Esc stops)", "Коуч отвечает… (Esc — остановить)"),
    "stopped": ("stopped", "остановлено"),
    "unfinished": ("not finished", "не закончено"),
    "interrupted": ("interrupted", "прервано"),
    "nothing_to_retry": (
        "Nothing to retry: the last reply is complete.",
        "Повторять нечего: последний ответ получен полностью.",
    ),
    "retry_hint": ("ctrl+r retries", "ctrl+r — повторить"),
    "context": ("Context", "Контекст"),
    "paused": ("Coaching paused", "Коучинг на паузе"),
    "checkins": ("Check-ins", "Отметки о шагах"),
    "checkin_summary": (
        " {done} steps done · day {days} of the plan",
        " шагов сделано: {done} · день плана: {days}",
    ),
    "done": ("done", "сделано"),
    "partly": ("partly", "частично"),
    "not_yet": ("not yet", "пока нет"),
    "step_col": ("Step", "Шаг"),
    "earlier": (
        "▲ {n} earlier messages: scroll up or click here to show more",
        "▲ Ранних сообщений: {n}. Прокрутите вверх или нажмите здесь",
    ),
    "search_hint": (
        "Search titles and messages (press /)",
        "Поиск по названиям и сообщениям (клавиша /)",
    ),
    "no_matches": ("No conversation contains that.", "Ни в одном разговоре этого нет."),
    "rename_prompt": (
        "A new title (leave empty for the automatic one):",
        "Новое название (пустое — автоматическое):",
    ),
    "due": ("due", "пора"),
    "interrupted_hint": (
        "The last reply was interrupted when coach closed. Press ctrl+r to ask again.",
        "Последний ответ прервался, когда coach закрылся. Нажмите ctrl+r, чтобы спросить снова.",
    ),
    "context_line": (
        "{used} of {window} tokens ({percent}%)",
        "{used} из {window} токенов ({percent}%)",
    ),
    "estimate": ("estimated", "оценка"),
}


def t(key: str, language: Language) -> str:
    """The label for ``key`` in ``language``."""
    en, ru = _STRINGS[key]
    return ru if language == "ru" else en
