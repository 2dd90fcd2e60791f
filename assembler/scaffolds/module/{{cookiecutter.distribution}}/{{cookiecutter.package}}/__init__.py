"""{{ cookiecutter.description }}."""

from {{ cookiecutter.package }}.module import module
from {{ cookiecutter.package }}.options import STAMP, StampOptions

__all__ = ["STAMP", "StampOptions", "module"]
