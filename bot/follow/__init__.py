"""Following a person or a topic: subscriptions and seen quotes in SQLite (`store`), which new
quotes a follow takes (`matching`), and the alerts a new index generation owes (`alerts`).

Nothing here imports Telegram: `bot.telegram` wires the commands and delivers the alerts.
"""
