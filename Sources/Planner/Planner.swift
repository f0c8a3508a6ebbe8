// Placeholder: the Planner layer (see Docs/ARCHITECTURE.md).
