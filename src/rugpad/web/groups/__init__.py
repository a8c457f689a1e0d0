"""Group programmes for an employer or sports club: exercise and reminders without a care episode, anonymous figures."""
