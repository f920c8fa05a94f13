"""A filled-in record's own rules: codec, words, time, reviews, carry-over, workflow, sign-off, deadlines."""
