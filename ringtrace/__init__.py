"""ringtrace: organised-fraud ring investigation over medical-insurance claims."""

__version__ = "0.1.0"
