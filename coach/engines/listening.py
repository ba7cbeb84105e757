"""What the offline coach says when a message is not (only) the answer it asked for.

A fact said in passing is stored and named back ("Noted: night shift, 2 rest days a week.");
a question back gets one line on why the coach asks; "not sure" is accepted; a feeling is
acknowledged; an answer that does not fit gets a specific re-ask, and a second miss a way on,
so no question is ever asked a third time the same way. Every word comes from the flow data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from coach.domain import machine
from coach.domain.flow import Step
from coach.domain.plan import format_amount, format_date
from coach.domain.state import Answer, CoachState
from coach.domain.template import render
from coach.domain.text import escape_markdown
from coach.i18n import t

if TYPE_CHECKING:
    from coach.domain.reading import Reading
    from coach.engines.composer import OfflineComposer

_REASK = {
    "yesno": "reask_yesno",
    "number": "reask_number",
    "amount": "reask_amount",
    "scale": "reask_scale",
    "date": "reask_date",
    "choice": "reask_choice",
    "path_choice": "reask_path",
}
_MAX_YEARS = 50


class Listener:
    """The offline engine's ears: replies for facts in passing, non-answers and misses."""

    def __init__(self, engine: OfflineComposer) -> None:
        self.engine = engine
        self.flow = engine.flow

    def _t(self, key: str, s: CoachState, **values: object) -> str:
        return self.flow.text(key, s.language, **values)

    # --- facts said in passing --------------------------------------------------------------

    def take_facts(self, s: CoachState, facts: dict[str, Answer]) -> list[str]:
        """Store facts for other steps; return them named, for the "Noted: …" line."""
        notes: list[str] = []
        for step_id, answer in facts.items():
            s.answers[step_id] = answer
            step = self.flow.step(step_id)
            if machine.applies(self.flow, s, step) and not self.flow.is_check_in(step_id):
                notes.append(self.name_fact(s, step, answer))
        s.noted = list(facts)
        return notes

    def noted(self, s: CoachState, notes: list[str]) -> str:
        return self._t("noted", s, facts=", ".join(notes)) if notes else ""

    def name_fact(self, s: CoachState, step: Step, answer: Answer) -> str:
        """A fact in a few words: "you work in a call center", "4,000 a month to save"."""
        if answer.number is not None and "–" not in answer.text:
            value = format_amount(answer.number, s.language)
        elif answer.day is not None:
            value = format_date(answer.day, s.language)
        else:
            value = escape_markdown(answer.text)
        if step.note is not None and (step.kind != "yesno" or answer.value == "yes"):
            return render(step.note(s.language), {"value": value})
        return f"{step.label(s.language).lower()}: {value}"

    def confirm(self, s: CoachState, step: Step, answer: Answer, raw: str) -> str:
        """Name the pending answer when it was read out of a longer or converted message."""
        if step.note is None or answer.value == "unsure" or step.kind == "yesno":
            return ""
        literal = answer.text.strip().lower() == raw.strip().lower()
        converted = answer.number is not None and not any(
            ch.isdigit() and ch in raw for ch in str(int(answer.number))[:2]
        )
        if literal or (len(raw.split()) <= 3 and not converted):
            return ""
        return self.name_fact(s, step, answer)

    def heard_instead(self, before: CoachState, text: str) -> tuple[CoachState, str] | None:
        """For a model that records nothing: the state and words of the offline reading.

        Its words name what it took and ask the next question, so the user can correct it;
        None when it heard no fact (a greeting, a question back). Used by the model engine.
        """
        if text.rstrip().endswith("?"):
            return None  # a question back is not an answer, whatever the reading makes of it
        reply = self.engine.respond(before, text)
        heard = reply.state
        new = [a for k, a in heard.answers.items() if before.answers.get(k) != a]
        literal = text.strip().lower().rstrip(".!")
        if not new or (
            not before.answers  # a first message taken whole is a greeting more than a goal
            and any(a.text.strip().lower() == literal for a in new)
        ):
            return None
        return heard, f"{t('offline_noted', heard.language)}\n\n{reply.text}"

    # --- messages that are not the answer -------------------------------------------------------

    def not_an_answer(
        self, s: CoachState, step: Step, raw: str, reading: Reading, noted: str
    ) -> tuple[Answer | None, str]:
        """An answer to go on with (and words to say first), or (None, the whole reply)."""
        ask = self.engine.ask(s, step)
        join = self.engine._join
        if reading.intent == "question":
            why = step.why(s.language) if step.why else ""
            return None, join(self._t("why_prefix", s) + (f" {why}" if why else ""), ask)
        if reading.intent == "dont_know":
            return self._not_sure(s, step, raw, noted)
        if noted and reading.problem is None:
            return None, join(noted, ask)  # a useful message, just not this answer
        head = self._t("feeling_ack", s) if reading.intent == "feeling" else ""
        misses = s.misses.get(step.id, 0) + 1
        s.misses[step.id] = misses
        if misses >= 2:
            answer, said = self._way_on(s, step, raw)
            if answer is not None:
                return answer, join(head, noted, said)
        return None, join(head, noted, self._reask(s, step, reading), ask)

    def _reask(self, s: CoachState, step: Step, reading: Reading) -> str:
        if reading.problem is not None:
            return self._t(reading.problem, s)
        key = _REASK.get(step.kind)
        if key is None:
            return self._t("reask_words", s) if step.kind == "text" else ""
        if step.kind == "choice":
            labels = " / ".join(c.label(s.language) for c in step.choices)
            return self._t(key, s, value=labels)
        if step.id == "rest_days":
            return self._t("reask_how_many", s)
        if step.kind == "number":
            return self._t(key, s, min=int(step.min), max=int(step.max))
        if step.kind == "path_choice":
            return self._t(key, s, max=len(s.candidate_paths))
        return self._t(key, s)

    def _unsure(self, s: CoachState, raw: str) -> Answer:
        return Answer(text=self._t("unsure", s), value="unsure", said=raw)

    def _not_sure(
        self, s: CoachState, step: Step, raw: str, noted: str
    ) -> tuple[Answer | None, str]:
        """Not sure is always an answer; a dream job is explored once before it is left open."""
        join = self.engine._join
        if step.id == "dream_job":
            if s.misses.get("dream_job:explored"):
                text = self._t("dream_undecided", s)
                return Answer(text=text, value="unsure", said=raw), self._t(
                    "dream_undecided_ack", s
                )
            s.misses["dream_job:explored"] = 1
            return None, join(noted, self._t("explore_dream", s))
        if step.kind == "path_choice" and not s.misses.get(step.id):
            s.misses[step.id] = 1  # a nudge first; the second "not sure" gets a default
            return None, join(noted, self._t("unsure_path", s))
        answer, said = self._way_on(s, step, raw)
        if answer is not None and step.kind in ("yesno", "number", "amount", "text", "choice"):
            said = self._t("unsure_taken", s) if answer.value == "unsure" else said
        if answer is None:
            return None, join(noted, said)
        return answer, join(noted, said)

    def _way_on(self, s: CoachState, step: Step, raw: str) -> tuple[Answer | None, str]:
        """A default to go on with, named, so a question is never asked a third time."""
        today = self.engine.today()
        if step.kind == "date":
            day = today + timedelta(days=2)
            when = format_date(day, s.language)
            return Answer(text=when, day=day, said=raw), self._t("default_day", s, date=when)
        if step.kind == "scale":
            return Answer(text="5", number=5, said=raw), self._t("way_on", s, default="5")
        if step.kind == "path_choice":
            first = s.candidate_paths[0]
            title = self.flow.path(first).title(s.language)
            return Answer(text=title, value=first, said=raw), self._t("way_on", s, default=title)
        if step.kind == "choice":
            if step.id == "checkin_kept":
                label = next(c.label(s.language) for c in step.choices if c.id == "partly")
                return Answer(text=label, value="partly", said=raw), self._t(
                    "way_on", s, default=label
                )
            return self._unsure(s, raw), self._t("way_on", s, default=self._t("unsure", s))
        if step.id in ("first_step", "smaller_step", "checkin_next"):
            path = self.flow.path(s.chosen_path) if s.chosen_path else None
            if path is not None:
                example = path.example(s.language)
                return Answer(text=example, said=raw), self._t("way_on", s, default=example)
        if step.id == "if_then":
            default = self._t("if_then_default", s)
            return Answer(text=default, said=raw), self._t("way_on", s, default=default)
        return self._unsure(s, raw), self._t("way_on", s, default=self._t("unsure", s))

    # --- checks on what was heard ---------------------------------------------------------------

    def range_note(self, s: CoachState, answer: Answer) -> str:
        """Say which value a range became: "3-4k" is kept as 3,500."""
        if answer.number is None or "–" not in answer.text:
            return ""
        value = format_amount(answer.number, s.language)
        return self._t("range_taken", s, fact=value)

    def sense_check(self, s: CoachState, step: Step, answer: Answer) -> str | None:
        """Savings math that makes no sense is asked about once, not put on the plan card."""
        if step.id != "savings_target" or answer.number is None:
            return None
        monthly = s.answers.get("monthly_saving")
        if monthly is None or not monthly.number or s.misses.get("savings_target:checked"):
            return None
        years = answer.number / monthly.number / 12
        if years <= _MAX_YEARS:
            return None
        s.misses["savings_target:checked"] = 1
        return self._t(
            "savings_check",
            s,
            target=format_amount(answer.number, s.language),
            monthly=format_amount(monthly.number, s.language),
            years=round(years),
        )
