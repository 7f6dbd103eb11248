"""How ``compile fetch`` fetches: politeness, patience and limits."""

from __future__ import annotations

from dataclasses import dataclass, replace

from anthology import __version__

# Sites name us by the product token in robots.txt rules; the contact lets their keepers
# reach whoever fetched (RFC 9110 §10.1.5; book.toml [fetch] contact).
USER_AGENT = f"anthology/{__version__}"


def user_agent(contact: str = "") -> str:
    """The User-Agent header: the tool and its version, and the editor's contact if given."""
    if not contact:
        return USER_AGENT
    return f"{USER_AGENT} (+{'mailto:' if '@' in contact and ':' not in contact else ''}{contact})"


@dataclass(frozen=True)
class FetchOptions:
    """How to fetch a list of pages; every field has the default ``compile fetch`` uses."""

    refresh: bool = False  # fetch pages again even when their file exists
    delay: float = 1.0  # seconds between the starts of two requests to the same host
    per_host: int = 1  # how many requests to one host may run at once
    timeout: float = 20.0  # seconds to wait for a connection or the next bytes of a response
    max_bytes: int = 20_000_000  # the largest page saved; reading stops past it
    max_redirects: int = 5  # redirects followed before giving up
    retries: int = 3  # further attempts after a 5xx/429, a dropped connection or a timeout
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    max_images: int = 100  # images saved per page at most
    max_image_bytes: int = 10_000_000  # the largest image saved
    user_agent: str = USER_AGENT  # also the name robots.txt rules are matched to

    def bounded(self) -> FetchOptions:
        """These options with counts and times no lower than they can sensibly be."""
        return replace(
            self,
            delay=max(0.0, self.delay),
            per_host=max(1, self.per_host),
            max_redirects=max(0, self.max_redirects),
            retries=max(0, self.retries),
            backoff=max(0.0, self.backoff),
            max_images=max(0, self.max_images),
        )
