"""Survivorship: choose each golden attribute from the member source records. Pure."""
