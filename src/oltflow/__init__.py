"""oltflow: coordinated SNMP workflows for GPON OLTs."""

__version__ = "0.1.0"
