import sys

from index.ingest.cli import main

sys.exit(main())
