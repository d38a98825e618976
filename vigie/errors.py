"""Typed exceptions. Each carries a one-line message meant for a person, never a traceback."""


class VigieError(Exception):
    """Base class: str(exc) is a complete one-line explanation."""


class ParseError(VigieError):
    """Raised by a family parser when a file or response cannot be read (bad encoding, broken XML, wrong format)."""


class UnknownFormatError(ParseError):
    """Raised by format detection when no parser recognises a file."""


class SourceConfigError(VigieError):
    """Raised when the source registry (sources.toml) is invalid."""


class MissingCredentialsError(VigieError):
    """Raised by a source whose API needs credentials that are not in the environment."""


class FilterError(VigieError):
    """Raised when a feed or theme filter has an unknown or malformed value; names the parameter."""
