"""The abbreviation tables names are compared with, read from data (shipped/abbreviations.yaml,
or the file MDM_ABBREVIATIONS_FILE names) once per process."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from mdm_hub.datafiles import read_text, read_yaml, shipped, validation_problems
from mdm_hub.errors import AbbreviationsFileError

ABBREVIATIONS_FILE_SETTING = "MDM_ABBREVIATIONS_FILE"


class Abbreviations(BaseModel):
    """Whole lower-case words and what they stand for, per kind of name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company: dict[str, str]
    words: dict[str, str]


@cache
def abbreviations() -> Abbreviations:
    """The shipped table, or the file MDM_ABBREVIATIONS_FILE names; a broken one stops the
    process naming the file and the field."""
    override = os.environ.get(ABBREVIATIONS_FILE_SETTING)
    source = Path(override) if override else shipped("abbreviations.yaml")
    label = str(source)
    document = read_yaml(read_text(source, AbbreviationsFileError), label, AbbreviationsFileError)
    try:
        return Abbreviations.model_validate(document)
    except ValidationError as exc:
        raise AbbreviationsFileError(label, validation_problems(exc)) from None
