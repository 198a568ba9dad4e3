"""Stage module (see registry)."""

ASSETS: list = []
CHECKS: list = []
SENSORS: list = []
