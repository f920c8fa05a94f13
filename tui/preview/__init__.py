"""`a4 forms preview`: a trainer's form, live, as a practitioner will see it."""
