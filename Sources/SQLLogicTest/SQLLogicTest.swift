// Placeholder: the SQLLogicTest layer (see Docs/ARCHITECTURE.md).
