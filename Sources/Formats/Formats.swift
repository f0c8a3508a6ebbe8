// Placeholder: the Formats layer (see Docs/ARCHITECTURE.md).
