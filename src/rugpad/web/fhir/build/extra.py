"""The resource types of the treatment, the referrals, the messages and the GP letter: importing this module
registers CarePlan, ServiceRequest, Communication, DocumentReference and Composition in `fhir.registry.KINDS`."""

from rugpad.web.fhir.build import careplan, communication, document, servicerequest

__all__ = ["careplan", "communication", "document", "servicerequest"]
