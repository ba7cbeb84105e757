"""The strict tools the model records answers with, built from the flow and checked in code.

Each tool's arguments are a pydantic model; the schema sent to the API is OpenAI's strict form
of it. A call is validated twice: by pydantic (types, enums), then against the flow (does the
step apply now, is the number in range, is the date in the future). The fields of a step
tool are checked one by one: the valid ones are recorded, and the model is told which were
not and why, so it can ask the user again or correct itself. Unknown fields are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from coach.context.retrieval import terms
from coach.domain import machine
from coach.domain.flow import PHASES, Flow, Step
from coach.domain.state import Answer, CheckIn, CoachState

YES_NO = ("yes", "no", "unsure")


@dataclass
class Outcome:
    """What one tool call did: the message for the model, and whether a plan was just made."""

    ok: bool
    message: str
    recorded: list[str] = field(default_factory=list)
    plan_built: bool = False


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _literal(values: tuple[str, ...]) -> Any:
    return cast(Any, Literal)[values]


def _field_type(step: Step) -> Any:
    kind = step.kind
    if kind == "yesno":
        return _literal(YES_NO)
    if kind == "choice":
        return _literal((*[c.id for c in step.choices], "unsure"))
    if kind in ("number", "scale"):
        return int
    if kind == "amount":
        return float
    return str


def _describe(step: Step) -> str:
    hint = {
        "date": " As YYYY-MM-DD.",
        "scale": " From 0 to 10.",
        "amount": " A plain number, no currency.",
        "text": " In the user's own words.",
    }.get(step.kind, "")
    return f"{step.label('en')}: {step.ask('en')}{hint}".replace("\n", " ")


def _model_for(name: str, steps: list[Step]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        step.id: (_field_type(step) | None, Field(default=None, description=_describe(step)))
        for step in steps
    }
    return create_model(name, __base__=_Args, **fields)


class AnswerArgs(_Args):
    question: str
    answer: Literal["yes", "no", "unsure"]
    words: str = Field(description="What the user said, in their words.")


class CheckInArgs(_Args):
    kept: Literal["done", "partly", "not_yet"]
    note: str = Field(description="What happened, in the user's words.")


@dataclass
class _Tool:
    name: str
    description: str
    model: type[BaseModel]
    steps: list[Step]


class Recorder:
    """Builds the tool definitions for a flow and applies the model's calls to a state."""

    def __init__(self, flow: Flow, today: Callable[[], date]) -> None:
        self.flow = flow
        self.today = today
        questions = [s for s in flow.steps if s.kind == "yesno" and s.opens_path]
        q_ids = tuple(s.id for s in questions)
        goal = [s for s in flow.steps if s.phase == "goal"]
        will = [s for s in flow.steps if s.phase == "will"]
        taken = {s.id for s in [*questions, *goal, *will]}
        situation = [s for s in flow.steps if s.id not in taken and s.kind != "path_choice"]
        answer_model = create_model(
            "record_answer",
            __base__=AnswerArgs,
            question=(_literal(q_ids), Field(description="Which question was answered.")),
        )
        path_model = create_model(
            "choose_path",
            __base__=_Args,
            path=(_literal(tuple(p.id for p in flow.paths)), Field(description="The path id.")),
        )
        self._tools = {
            t.name: t
            for t in [
                _Tool(
                    "record_dream_job",
                    "Record the dream job, why it matters and by when.",
                    _model_for("record_dream_job", goal),
                    goal,
                ),
                _Tool(
                    "record_situation",
                    "Record facts about the user's work and money now.",
                    _model_for("record_situation", situation),
                    situation,
                ),
                _Tool(
                    "record_answer",
                    "Record the answer to one Question to Consider.",
                    answer_model,
                    questions,
                ),
                _Tool(
                    "choose_path",
                    "Record the path the user picked from the offered ones.",
                    path_model,
                    [],
                ),
                _Tool(
                    "record_plan",
                    "Record parts of the first-step plan as the user gives them.",
                    _model_for("record_plan", will),
                    will,
                ),
                _Tool(
                    "record_check_in", "Record how the promised first step went.", CheckInArgs, []
                ),
            ]
        }

    def tool_for(self) -> dict[str, str]:
        """Which tool records each step, for telling the model how to record the next one."""
        names = {step.id: t.name for t in self._tools.values() for step in t.steps}
        names.update({s.id: "choose_path" for s in self.flow.steps if s.kind == "path_choice"})
        return names

    def definitions(self) -> list[dict[str, Any]]:
        """The tools in the Chat Completions format, with strict JSON schemas."""
        from openai import pydantic_function_tool

        return [
            dict(pydantic_function_tool(t.model, name=t.name, description=t.description))
            for t in self._tools.values()
        ]

    @property
    def names(self) -> list[str]:
        """Every tool's name: the ones a call written as text may name."""
        return list(self._tools)

    def usable(self, s: CoachState) -> list[str]:
        """The tools the phase machine would accept a call to now, in this order."""
        now = PHASES.index(s.phase) if s.phase in PHASES else len(PHASES)
        usable = []
        for tool in self._tools.values():
            if tool.name == "record_check_in":
                ok = s.plan is not None
            elif tool.name == "choose_path":
                ok = now >= PHASES.index("options")
            else:
                ok = any(PHASES.index(step.phase) <= now for step in tool.steps)
            if ok:
                usable.append(tool.name)
        return usable

    def apply(
        self, s: CoachState, name: str, arguments: str | dict[str, Any] | None, user_text: str
    ) -> Outcome:
        """Validate one call and record what is valid on ``s``; the model is told the rest.

        Each field of a step tool stands alone: a wrong one is named back, the others are
        kept. Unknown fields are ignored (and named), never a reason to refuse the call.
        """
        tool = self._tools.get(name)
        if tool is None:
            return Outcome(False, f"error: there is no tool named {name!r}")
        args = arguments if isinstance(arguments, dict | None) else parse_arguments(arguments)
        if args is None:
            return Outcome(
                False,
                "error: the arguments were not a JSON object. Nothing was recorded; "
                "call the tool again with a JSON object.",
            )
        known = tool.model.model_fields
        ignored = [k for k in args if k not in known]
        args = {k: v for k, v in args.items() if k in known}
        trial = s.model_copy(deep=True)
        problems: list[str] = []
        if tool.steps and tool.name != "record_answer":
            recorded = self._record_fields(trial, tool, args, user_text, problems)
        else:
            try:
                model = tool.model.model_validate(args)
            except ValidationError as exc:
                first = exc.errors()[0]
                place = ".".join(str(p) for p in first["loc"]) or "arguments"
                return Outcome(False, f"error: {place}: {first['msg']}. Nothing was recorded.")
            try:
                recorded = self._record(trial, tool, model, user_text)
            except ValueError as exc:
                return Outcome(False, f"error: {exc}. Nothing was recorded.")
        note = f" Ignored unknown fields: {', '.join(ignored)}." if ignored else ""
        if not recorded:
            if problems:
                return Outcome(False, f"error: {'; '.join(problems)}. Nothing was recorded.{note}")
            return Outcome(False, f"error: every field was null. Nothing was recorded.{note}")
        plan_built = self.advance(trial)
        for key in CoachState.model_fields:
            setattr(s, key, getattr(trial, key))
        message = f"recorded: {', '.join(recorded)}"
        if problems:
            message += f". Not recorded: {'; '.join(problems)}"
        return Outcome(True, message + note, recorded, plan_built)

    def _record_fields(
        self,
        s: CoachState,
        tool: _Tool,
        args: dict[str, Any],
        user_text: str,
        problems: list[str],
    ) -> list[str]:
        """Record each valid field of a step tool, in flow order; name each wrong one."""
        recorded: list[str] = []
        for step in tool.steps:  # in flow order, so a condition sees the answers before it
            value = args.get(step.id)
            if value is None:
                continue
            try:
                value = TypeAdapter(_field_type(step)).validate_python(value)
                self._check_applies(s, step)
                s.answers[step.id] = self._answer(step, value, user_text)
            except ValidationError as exc:
                problems.append(f"{step.id}: {exc.errors()[0]['msg']}")
                continue
            except ValueError as exc:
                text = str(exc)
                problems.append(text if text.startswith(step.id) else f"{step.id}: {text}")
                continue
            recorded.append(step.id)
        return recorded

    def _record(self, s: CoachState, tool: _Tool, args: BaseModel, user_text: str) -> list[str]:
        if isinstance(args, AnswerArgs):
            step = self.flow.step(args.question)
            self._check_applies(s, step)
            words = args.words.strip() or user_text
            self._check_grounded(step.id, words, user_text)
            s.answers[step.id] = Answer(text=words, value=args.answer)
            return [step.id]
        if isinstance(args, CheckInArgs):
            if s.plan is None:
                raise ValueError("there is no plan yet to check in on")
            note = args.note.strip() or user_text
            s.check_ins.append(CheckIn(day=self.today(), kept=args.kept, note=note))
            return ["check_in"]
        if tool.name == "choose_path":
            return self._choose(s, str(args.model_dump()["path"]), user_text)
        raise ValueError(f"{tool.name} has no fields")  # unreachable: step tools go by field

    def _check_applies(self, s: CoachState, step: Step) -> None:
        """The phase machine's rules: a step that applies, in this phase or an earlier one.

        A later phase is refused, so text in a lesson (or anywhere) that talks the model into
        "marking every question answered" cannot skip the conversation ahead.
        """
        if not machine.applies(self.flow, s, step):
            raise ValueError(f"{step.id} does not apply to this user's answers")
        if PHASES.index(step.phase) > PHASES.index(s.phase):
            raise ValueError(
                f"{step.id} belongs to a later phase ({step.phase}); ask about {s.pending} first"
            )

    @staticmethod
    def _check_grounded(step_id: str, words: str, user_text: str) -> None:
        """Words recorded as the user's must share a word with what the user just wrote."""
        if not set(terms(words)) & set(terms(user_text)):
            raise ValueError(
                f"{step_id}: {words!r} is not in the user's message; record only what they said"
            )

    def _choose(self, s: CoachState, path: str, user_text: str) -> list[str]:
        if PHASES.index(s.phase) < PHASES.index("options"):
            raise ValueError(f"paths are offered later; ask about {s.pending} first")
        if not s.candidate_paths:
            machine.offer_paths(self.flow, s)
        if path not in s.candidate_paths:
            offered = ", ".join(s.candidate_paths)
            raise ValueError(f"path {path!r} was not offered; offered: {offered}")
        s.chosen_path = path
        s.answers["choose_path"] = Answer(text=user_text, value=path)
        return ["choose_path"]

    def _answer(self, step: Step, value: object, user_text: str) -> Answer:
        kind = step.kind
        if kind == "text":
            text = str(value).strip()
            if not text:
                raise ValueError(f"{step.id} is empty")
            self._check_grounded(step.id, text, user_text)
            return Answer(text=text)
        if kind in ("yesno", "choice"):
            return Answer(text=user_text, value=str(value))
        if kind == "date":
            try:
                day = date.fromisoformat(str(value))
            except ValueError:
                raise ValueError(f"{step.id} must be a date as YYYY-MM-DD") from None
            if day < self.today():
                raise ValueError(f"{step.id} {day} is in the past; today is {self.today()}")
            return Answer(text=user_text, day=day)
        number = float(cast(float, value))
        low, high = (0.0, 10.0) if kind == "scale" else (step.min, step.max)
        if kind == "amount":
            low, high = 0.0, float("inf")
        if not low <= number <= high:
            raise ValueError(f"{step.id} must be between {low:g} and {high:g}")
        # The number itself as the words: the whole message would stand in for every fact
        # recorded from it, and the side panel would show it beside each of them.
        words = str(int(number)) if number == int(number) else str(number)
        return Answer(text=words, number=number)

    def advance(self, s: CoachState) -> bool:
        """Move ``s`` to its next open step; build the plan when none is left. True if built."""
        step = machine.first_open_step(self.flow, s)
        if step is None:
            if s.plan is None and s.chosen_path is not None:
                s.plan = machine.build_plan(self.flow, s, self.today())
                s.phase, s.pending = "summary", None
                return True
            s.phase, s.pending = "summary", None
            return False
        if step.kind == "path_choice" and not s.candidate_paths:
            machine.offer_paths(self.flow, s)
        s.pending, s.phase = step.id, step.phase
        return False


def parse_arguments(text: str | None) -> dict[str, Any] | None:
    """Arguments as a dict, repaired where safe (see stream.read_arguments); None if not."""
    from coach.engines.stream import read_arguments

    objects = read_arguments(text or "")
    if objects is None or len(objects) > 1:
        return None
    return objects[0] if objects else {}
