"""A saved state checked against the flow it will run with, and mended where they disagree.

A state names steps and paths by id. An imported file (crafted or from a coach with another
flow), or a flow an author has since edited, can name ones this flow does not have; the
engines would then fail on every turn. Such a reference is dropped, and the conversation
goes on from its first open question.
"""

from __future__ import annotations

from coach.domain.flow import Flow
from coach.domain.machine import first_open_step
from coach.domain.state import CoachState


def unknown_references(state: CoachState, flow: Flow) -> list[str]:
    """What in ``state`` names a step or a path ``flow`` lacks, one short phrase each."""
    steps = {s.id for s in [*flow.steps, *flow.check_in]}
    paths = {p.id for p in flow.paths}
    found: list[str] = []
    if state.pending is not None and state.pending not in steps:
        found.append(f"step {state.pending!r}")
    for path in [state.chosen_path, *state.candidate_paths, *state.unsure_paths]:
        if path is not None and path not in paths:
            found.append(f"path {path!r}")
    if state.plan is not None and state.plan.path not in paths:
        found.append(f"path {state.plan.path!r}")
    chosen = state.answers.get("choose_path")
    if chosen is not None and chosen.value is not None and chosen.value not in paths:
        found.append(f"path {chosen.value!r}")
    return list(dict.fromkeys(found))


def repaired(state: CoachState, flow: Flow) -> CoachState:
    """``state`` with every unknown reference dropped; the same object if there is none."""
    if not unknown_references(state, flow):
        return state
    s = state.model_copy(deep=True)
    steps = {x.id for x in [*flow.steps, *flow.check_in]}
    paths = {p.id for p in flow.paths}
    s.candidate_paths = [p for p in s.candidate_paths if p in paths]
    s.unsure_paths = [p for p in s.unsure_paths if p in paths]
    if s.chosen_path is not None and s.chosen_path not in paths:
        s.chosen_path = None
        s.answers.pop("choose_path", None)
    chosen = s.answers.get("choose_path")
    if chosen is not None and chosen.value is not None and chosen.value not in paths:
        s.answers.pop("choose_path")
    if s.plan is not None and s.plan.path not in paths:
        s.plan = None  # a plan card cannot be drawn for a path the flow does not know
    if s.pending is not None and s.pending not in steps:
        s.pending = None
    if s.pending is None and s.phase != "summary":
        step = first_open_step(flow, s)
        if step is not None:
            s.pending, s.phase = step.id, step.phase
    return s
