// Placeholder: the SQLSyntax layer (see Docs/ARCHITECTURE.md).
