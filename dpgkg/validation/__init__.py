"""SHACL validation of DPG records against the DPG Standard's indicators."""
