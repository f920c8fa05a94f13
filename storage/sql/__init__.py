"""What both SQL engines share: the Store logic, its statements per dialect, and the row codec."""
