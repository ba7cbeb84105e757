"""Pure coaching logic: lessons, flow, state, plan and answer understanding. No UI, no network."""
