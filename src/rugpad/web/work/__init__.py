"""Prevention at work: the workplace check, the break routine through the working day, and the report for the
occupational physician."""
