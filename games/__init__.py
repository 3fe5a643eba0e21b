"""Mini-games that weight a draw; each registers by name (none yet)."""
