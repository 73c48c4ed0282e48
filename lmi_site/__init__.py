"""The project: settings, the URL switchboard (urls.py imports every app's views) and the groundwork
below every app (clock, client address, shared cache, keeping hook point, mail, error pages); the groundwork imports no app."""
