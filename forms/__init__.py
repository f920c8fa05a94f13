"""What an assessment is and how it is judged: definitions, records, conditions, checks, deadlines.

Pure Python: nothing here imports Textual, sqlite or any other A4 package.
"""

__version__ = "0.1.0"
