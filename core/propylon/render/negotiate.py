"""``negotiate``: JSON, XML or YAML, whichever the client's Accept header prefers."""

from __future__ import annotations

from typing import Any

from propylon.render import formats

_OFFERS = (
    ("application/json", formats.render_json),
    ("text/plain", formats.render_yaml),
    ("application/xml", formats.render_xml),
    ("text/xml", formats.render_xml),
    ("application/x-yaml", formats.render_yaml),
    ("application/yaml", formats.render_yaml),
)


def _accepted(accept: str) -> list[str]:
    """Media ranges of an Accept header, most preferred first (stable among equals)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def render(data: dict[str, Any], accept: str) -> tuple[bytes, str]:
    for media in _accepted(accept):
        for offer, renderer in _OFFERS:
            main, _, sub = media.partition("/")
            if media == offer or media == "*/*" or (sub == "*" and offer.startswith(main + "/")):
                return renderer(data, accept)
    return formats.render_json(data, accept)
