"""``python -m desktop``: the GUI, or the command line when a sub-command is given."""

import sys

from desktop.cli import main

sys.exit(main())
