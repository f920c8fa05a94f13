"""One module per export format, each a pure function from a record (and its form) to text."""
