"""Prevention at work: the workplace check, the break routine through the working day, the occupational physician's report."""
