"""RFC 5988 ``Link`` headers, as Webex and Bandwidth paginate with them."""

from __future__ import annotations

__all__ = ["parse_links"]


def parse_links(value: str | None) -> dict[str, str]:
    """``<url>; rel="next", <url>; rel="first"`` as ``{"next": url, "first": url}``."""
    links: dict[str, str] = {}
    for part in (value or "").split(","):
        url, _, params = part.partition(";")
        url = url.strip()
        if not (url.startswith("<") and url.endswith(">")):
            continue
        for param in params.split(";"):
            name, _, rel = param.strip().partition("=")
            if name.strip() == "rel":
                for each in rel.strip().strip('"').split():
                    links[each] = url[1:-1]
    return links
