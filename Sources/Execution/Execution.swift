// Placeholder: the Execution layer (see Docs/ARCHITECTURE.md).
