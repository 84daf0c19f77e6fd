"""``python -m helpers.mock --port 8000 ...`` (see ``helpers.mock.server.main``)."""

import sys

from .server import main

sys.exit(main())
