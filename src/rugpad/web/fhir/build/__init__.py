"""One module per resource type: a page of records → FHIR resources (JSON dicts validated by `fhir.resources`)."""
