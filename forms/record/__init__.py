"""A filled-in record's rules: codec, words, active time, reviews, carry-over, workflow, sign-off."""
