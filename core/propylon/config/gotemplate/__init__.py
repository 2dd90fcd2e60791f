"""Go's text/template language, with Sprig's functions, as KrakenD's flexible configuration
renders it: the same parser, the same printing of values, the same errors."""

from propylon.config.gotemplate.errors import TemplateError
from propylon.config.gotemplate.template import TemplateSet

__all__ = ["TemplateError", "TemplateSet"]
