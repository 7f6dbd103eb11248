"""The floor every stage stands on: model types, errors and diagnostics, text helpers, limits
and atomic file writes. Nothing here imports anything else of the package."""
