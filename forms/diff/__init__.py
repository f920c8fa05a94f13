"""What changed between two versions of a definition, said the way a trainer thinks about it."""
