"""The one place that reads the environment.

Every setting that varies between machines comes from an environment variable (optionally a
`.env` file at the repository root for local work). Settings modules import `env` from here.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))
