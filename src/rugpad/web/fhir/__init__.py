"""FHIR R4 REST API at /fhir/: rugpad's records as standard resources, built from the engine's state."""
