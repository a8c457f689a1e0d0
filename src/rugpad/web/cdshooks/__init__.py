"""CDS Hooks 2.0 service at /cds-services: other systems ask rugpad's engine for advice on a back or neck patient."""
