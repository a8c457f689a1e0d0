"""rugpad's canonical URLs: the code systems, extensions and definitions it publishes for what no standard code
names. Canonical URLs are identifiers, stable forever; they need not resolve."""

CANONICAL = "https://rugpad.org/fhir"
"""The base of every canonical URL rugpad defines."""


def code_system(name: str) -> str:
    """The canonical URL of one of rugpad's code systems, e.g. `code_system("instrument-score")`."""
    return f"{CANONICAL}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{CANONICAL}/StructureDefinition/{name}"


def identifier_system(name: str) -> str:
    """The system of a rugpad identifier (e.g. the record's id inside one installation)."""
    return f"{CANONICAL}/sid/{name}"
