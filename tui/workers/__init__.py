"""Work kept off the UI thread: saving the record and running live QA checks."""
