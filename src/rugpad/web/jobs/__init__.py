"""Background jobs on a real queue (Huey): questionnaires that fall due, reminders, e-mails; never inside a request."""
