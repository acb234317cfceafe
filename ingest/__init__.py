"""Reading, validating and loading bureau claim exports into the workspace."""
