import sys

from factcheck.lab.cli import main

sys.exit(main())
