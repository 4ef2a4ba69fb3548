"""mdm-hub: master data management hub for professional-services firms."""

__version__ = "0.1.0"
