"""The filled-in record's own rules: codec, words, active time, reviews, carry-over, workflow, sign-off, deadlines."""
