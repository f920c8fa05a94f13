"""What changed between two versions of a definition: `core` (changes, version steps, words), one
module per kind (`assessment`, `rubric`, `plan`), and `report` (picks the kind, prints, warns)."""
