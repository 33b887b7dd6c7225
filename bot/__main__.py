"""`python -m bot`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else a terminal prompt.

Settings are checked before the (slow) model and index load, so a typo in `.env` fails in a
second with a message naming the setting.
"""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from bot.settings import BotSettings, describe_errors
from index.embed import ModelError
from index.store import IndexProblem

NO_TOKEN = """\
No TELEGRAM_BOT_TOKEN set, so no Telegram bot; starting the terminal prompt instead.
To run the bot, get a token from @BotFather and either
  - add a line  TELEGRAM_BOT_TOKEN=123456:ABC...  to .env in this directory, or
  - export TELEGRAM_BOT_TOKEN=123456:ABC...
then run `python -m bot` again. See docs/telegram.md for the other settings.
"""


def main() -> int:
    try:
        settings = BotSettings()
    except ValidationError as exc:
        print(describe_errors(exc), file=sys.stderr)
        return 2
    try:
        return _run(settings)
    except (IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(settings: BotSettings) -> int:
    if settings.token is None:
        print(NO_TOKEN, file=sys.stderr)
        from bot.ask import repl

        repl(settings)
        return 0

    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    from bot.answer import Answerer
    from bot.follow.store import FollowStore
    from bot.telegram import build_application, install_log_redaction, run

    install_log_redaction(settings.token)  # before anything that might log a URL
    logging.getLogger(__name__).info("Loading the index from %s", settings.index_dir)
    answerer = Answerer.open(settings)
    follows = FollowStore(settings.follows_path)
    app = build_application(settings, answerer, handle_sighup=True, follows=follows)
    run(app, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
