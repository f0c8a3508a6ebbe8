// Placeholder: the Shell layer (see Docs/ARCHITECTURE.md).
