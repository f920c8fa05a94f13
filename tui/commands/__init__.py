"""One module per `a4` subcommand; each exposes `register(subparsers)`.

Command modules import only argparse at module level and load the heavy
parts of A4 inside the function that runs the command, so `a4 --help` and
opening the app stay fast.
"""
