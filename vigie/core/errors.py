"""Every exception Vigie raises on purpose, in one place. Each carries a one-line message meant for a person
(never a traceback): the CLI prints `str(exc)` and exits 2; the pipeline records it against its source."""


class VigieError(Exception):
    """Base class: str(exc) is a complete one-line explanation."""


# --- collect ----------------------------------------------------------------------------------------------
class ParseError(VigieError):
    """A family parser cannot read a file or response (bad encoding, broken XML, wrong format)."""


class UnknownFormatError(ParseError):
    """Format detection recognised no family in a file."""


class ParseLimitError(ParseError):
    """A parse passed its source's time or memory limit and was stopped; the message names the limit."""


class FetchRefusedError(VigieError):
    """The network policy refused a URL (scheme, or an address outside the allowed networks); names why."""


class SourceConfigError(VigieError):
    """The source registry (sources.toml) is invalid; the message names the source and the key."""


class MissingCredentialsError(VigieError):
    """A source's API needs credentials that are not in the environment."""


# --- refine -----------------------------------------------------------------------------------------------
class SectorsConfigError(VigieError):
    """config/sectors.toml is missing or malformed; the message names the sector and field."""


class RegionsConfigError(VigieError):
    """config/regions.toml is missing or malformed; the message names the entry and field."""


class PlacesConfigError(VigieError):
    """config/places.toml or config/equipment.toml is invalid; the message names the row and the field."""


class GeocoderError(VigieError):
    """The optional geocoder could not answer (server down, bad answer); names the server and the address."""


# --- store ------------------------------------------------------------------------------------------------
class WarehouseError(VigieError):
    """A warehouse operation failed; the message names the file and the reason."""


class WarehouseBusyError(WarehouseError):
    """Another process held the warehouse file for longer than the lock timeout."""


class NoSnapshotError(WarehouseError):
    """Nothing has been published yet, or the published snapshot cannot be opened."""


class QueryError(WarehouseError):
    """A working group's SQL was refused (not a read) or failed."""


class FilterError(VigieError):
    """A feed or theme filter has an unknown or malformed value; names the parameter.

    `param`, `problem` (a wording key: unknown_value, unknown_param, too_long, not_number, out_of_range,
    not_region, repeated), `value` and `accepted` let a page say the same thing in the reader's language."""

    def __init__(
        self,
        message: str,
        *,
        param: str = "",
        problem: str = "",
        value: str = "",
        accepted: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.param, self.problem, self.value, self.accepted = param, problem, value, accepted


# --- publish ----------------------------------------------------------------------------------------------
class ThemeError(VigieError):
    """config/themes.toml is malformed; the message names the theme and field."""


class MailError(VigieError):
    """An e-mail could not be built or sent (SMTP settings, refused recipient, TLS)."""


class NewsletterError(VigieError):
    """An issue cannot be made or sent as asked (empty issue, unknown theme, too large)."""


class DraftError(NewsletterError):
    """A newsroom draft cannot be read or changed as asked (unreadable file, unknown item, bad position)."""


class AccountError(VigieError):
    """A newsroom account cannot be added, found or checked (bad name, duplicate, unreadable accounts file)."""
