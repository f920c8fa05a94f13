"""How records leave A4 and come back: one pure function per format."""
