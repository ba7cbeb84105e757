"""The coaching flow as data: phases, steps, paths, keywords and reply templates, validated.

The files live under ``prompts/flow/`` so a course author can edit the questions, paths and
wording in English and Russian. The code owns the structure (the GROW phases and the step
kinds); the data owns everything said. Errors name the file, the place and the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources.abc import Traversable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coach.domain import loading, template
from coach.domain.locale import LocalText, LocalWords, overlaid
from coach.domain.text import Language
from coach.domain.understand import YesNo

PhaseId = Literal["opening", "goal", "reality", "options", "will", "summary"]
PHASES: tuple[PhaseId, ...] = ("opening", "goal", "reality", "options", "will", "summary")
StepKind = Literal["text", "yesno", "choice", "number", "amount", "scale", "date", "path_choice"]

# Steps the code builds the plan card from; a flow may reword them but must keep them.
MAX_FLOW_FILE_BYTES = 5_000_000
REQUIRED_STEPS = (
    "dream_job",
    "monthly_saving",
    "choose_path",
    "first_step",
    "step_date",
    "obstacle",
    "if_then",
    "confidence",
)
PLACEHOLDERS = frozenset(
    "dream_job why by_when step date obstacle n title lesson quote translation target monthly"
    " months goal example path threshold value min max commands maybe activity quote"
    " follow_up facts fact label options default years".split()
)
ASK_FIELDS = frozenset(
    "dream_job why by_when obstacle example goal path step date activity quote follow_up".split()
)
"""What a step's ask and ack may name besides any step's answer (``engines/offline.py``)."""
NOTE_FIELDS = frozenset({"value"})
"""A fact taken in passing is named back with its value only."""
FLOW_FILES = {
    "flow": "flow.yaml",
    "messages": "messages.yaml",
    "keywords": "keywords.yaml",
    "intents": "intents.yaml",
}


class FlowError(loading.DataError):
    """A flow file that cannot be used. One line per problem: file:line: place: problem."""


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Phase(_Model):
    id: PhaseId
    title: LocalText


class Condition(_Model):
    """When a step is asked: an earlier answer is one of ``is_``, or below a number, or money."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True, populate_by_name=True)
    step: str | None = None
    is_: list[str] | None = Field(default=None, alias="is")
    below: float | None = None
    money: bool | None = None
    activity: bool | None = None
    """Asked only when the user has written an activity the coach can refer to."""


class Choice(_Model):
    id: str
    label: LocalText
    keywords: LocalWords


class StepWords(_Model):
    """Extra words that answer one yes/no step, such as "I work at a BPO" for the call center."""

    yes: LocalWords | None = None
    no: LocalWords | None = None
    unsure: LocalWords | None = None


class Step(_Model):
    """One thing the coach asks. ``opens_path`` makes a yes (or unsure) answer suggest a path."""

    id: str
    phase: PhaseId
    kind: StepKind
    label: LocalText
    ask: LocalText
    ack: LocalText | None = None
    when: Condition | None = None
    opens_path: str | None = None
    choices: list[Choice] = []
    min: float = 0
    max: float = 1e12
    lesson: str | None = None
    words: StepWords | None = None
    why: LocalText | None = None
    """One line on why the coach asks, said when the person asks back."""
    note: LocalText | None = None
    """How a fact taken in passing is named back ("{value} rest days a week")."""


class Path(_Model):
    """A path out of (or through) the call center, grounded in a quote from one lesson."""

    id: str
    title: LocalText
    lesson: str
    quote: str
    translation: LocalText
    money: bool = False
    goal: LocalText | None = None
    example: LocalText
    keywords: LocalWords


class Keywords(_Model):
    yes: LocalWords
    no: LocalWords
    unsure: LocalWords
    money: LocalWords
    scope_topics: LocalWords
    scope_cues: LocalWords

    def yes_no(self, extra: StepWords | None = None) -> dict[YesNo, list[str]]:
        """The yes/no/unsure phrases, with a step's own words added."""
        words: dict[YesNo, list[str]] = {
            "yes": self.yes.all(),
            "no": self.no.all(),
            "unsure": self.unsure.all(),
        }
        if extra is not None:
            for key in ("yes", "no", "unsure"):
                more: LocalWords | None = getattr(extra, key)
                if more is not None:
                    words[key] = [*words[key], *more.all()]
        return words

    @staticmethod
    def step_words(extra: StepWords | None) -> dict[YesNo, list[str]]:
        """Only a step's own yes/no/unsure words, which outrank the general ones."""
        words: dict[YesNo, list[str]] = {}
        if extra is not None:
            for key in ("yes", "no", "unsure"):
                more: LocalWords | None = getattr(extra, key)
                if more is not None:
                    words[key] = more.all()
        return words


class Flow(_Model):
    """The whole validated flow."""

    phases: list[Phase]
    steps: list[Step]
    paths: list[Path]
    fallback_path: str
    check_in: list[Step] = []
    """Asked on a later day when a plan exists: how the step went, then the next one."""
    messages: dict[str, LocalText]
    keywords: Keywords
    intents: dict[str, list[str]] = {}
    """Example phrases per kind of message (question, dont_know, feeling, yes, no), all
    languages together: the sentence encoder compares messages with them."""

    @model_validator(mode="after")
    def _check_references(self) -> Flow:
        if tuple(p.id for p in self.phases) != PHASES:
            raise ValueError(f"phases must be, in order: {', '.join(PHASES)}")
        step_ids = [s.id for s in self.steps]
        path_ids = {p.id for p in self.paths}
        for duplicate in {i for i in step_ids if step_ids.count(i) > 1}:
            raise ValueError(f"step id {duplicate!r} is used twice")
        for required in REQUIRED_STEPS:
            if required not in step_ids:
                raise ValueError(f"required step {required!r} is missing")
        if self.fallback_path not in path_ids:
            raise ValueError(f"fallback_path {self.fallback_path!r} is not a path id")
        for index, step in enumerate(self.steps):
            if step.opens_path and step.opens_path not in path_ids:
                raise ValueError(f"step {step.id!r} opens unknown path {step.opens_path!r}")
            if step.when and step.when.step and step.when.step not in step_ids[:index]:
                raise ValueError(
                    f"step {step.id!r} depends on {step.when.step!r}, not asked before"
                )
            if step.kind == "choice" and not step.choices:
                raise ValueError(f"step {step.id!r} is a choice with no choices")
        return self

    @property
    def step_ids(self) -> list[str]:
        return [s.id for s in self.steps]

    def step(self, step_id: str) -> Step:
        return next(s for s in [*self.steps, *self.check_in] if s.id == step_id)

    def is_check_in(self, step_id: str | None) -> bool:
        return any(s.id == step_id for s in self.check_in)

    def path(self, path_id: str) -> Path:
        return next(p for p in self.paths if p.id == path_id)

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def text(self, key: str, language: Language, **values: object) -> str:
        """A reply template in the given language, filled in."""
        return template.render(self.messages[key](language), values)


def _flatten_intents(data: Any) -> Any:
    """{kind: {en: [...], ru: [...]}} → {kind: [...]}; anything else is left for pydantic."""
    if not isinstance(data, dict):
        return data
    flat: dict[str, Any] = {}
    for kind, languages in data.items():
        if isinstance(languages, dict) and all(isinstance(v, list) for v in languages.values()):
            flat[str(kind)] = [str(p) for v in languages.values() for p in v]
        else:
            flat[str(kind)] = languages
    return flat


def check_placeholders(flow: Flow) -> Iterator[loading.Finding]:
    """Placeholders no code fills in, at their place: a typo fails here, not at a turn."""
    said = frozenset(ASK_FIELDS | {s.id for s in [*flow.steps, *flow.check_in]})
    texts: list[tuple[loading.Loc, BaseModel | None, frozenset[str]]] = [
        (("messages", key), text, PLACEHOLDERS) for key, text in flow.messages.items()
    ]
    for section, steps in (("steps", flow.steps), ("check_in", flow.check_in)):
        for index, step in enumerate(steps):
            texts += [
                ((section, index, "ask"), step.ask, said),
                ((section, index, "ack"), step.ack, said),
                ((section, index, "note"), step.note, NOTE_FIELDS),
            ]
    for loc, text, known in texts:
        for language, value in loading.translations(text):
            yield from loading.unknown_placeholders((*loc, language), value, known)


def load_flow(folder: Traversable) -> Flow:
    """Read and validate the flow files. Raises FlowError: ``file:line: place: problem``."""

    def read(name: str) -> loading.Document:
        return loading.read(folder / name, name, limit=MAX_FLOW_FILE_BYTES, error=FlowError)

    main = read(FLOW_FILES["flow"])
    if not isinstance(main.data, dict):
        raise FlowError.of([main.problem((), "expected a mapping of keys")])
    parts = {key: read(FLOW_FILES[key]) for key in ("messages", "keywords")}
    # The intents file is optional (an older custom flow folder has none); its kinds map to
    # phrase lists per language, flattened: the encoder is multilingual.
    if (folder / FLOW_FILES["intents"]).is_file():
        parts["intents"] = read(FLOW_FILES["intents"])
    # A language pack's flow texts are laid over the flow's own (locale.overlaid).
    data = {
        **overlaid(f"flow/{FLOW_FILES['flow']}", main.data),
        **{key: overlaid(f"flow/{FLOW_FILES[key]}", part.data) for key, part in parts.items()},
    }
    if "intents" in parts:
        data["intents"] = _flatten_intents(data["intents"])
    return loading.validate(
        Flow, main, data=data, parts=parts, check=check_placeholders, error=FlowError
    )
