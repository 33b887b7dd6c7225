"""The local site's content: seven stories in three feeds, and every failure feeds have."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.index.ingest.site import Item, NewsSite, atom, json_feed, page, rss
from tests.index.ingest.stories import Story, stories

FAILING = {  # path -> what the report must say about it
    "/news/missing": r"HTTP 404",
    "/news/error": r"HTTP 500 .*\(2 tries\)",
    "/news/slow": r"timed out after 1 s \(2 tries\)",
    "/news/loop": r"redirect loop: .*/news/loop -> .*/news/loop2 -> .*/news/loop \(",
    "/news/huge": r"over the cap of 2,000,000 bytes",
    "/news/report.pdf": r"not an HTML page \(application/pdf\)",
}
FEEDS = ["/rss.xml", "/atom.xml", "/feed.json", "/broken.xml", "/gone.xml"]


@dataclass
class Newsroom:
    site: NewsSite
    stories: dict[str, Story]  # "a".."g" -> the article behind /news/<letter>
    feed_items: dict[str, list[Item]] = field(default_factory=dict)

    def feed_urls(self) -> list[str]:
        return [self.site.url(p) for p in FEEDS]

    def page_paths(self) -> list[str]:
        return [f"/news/{k}" for k in self.stories] + ["/amp/news/a"]

    def publish_page(self, key: str, text: str, *, published: str | None, charset: str = "utf-8",
                     layout: str = "article", path: str | None = None) -> None:
        story = self.stories[key]
        markup = page(story.title, text, canonical=self.site.url(f"/news/{key}"),
                      published=published, charset=charset, layout=layout)
        content_type = f"text/html; charset={charset}"
        self.site.add(path or f"/news/{key}", markup.encode(charset), content_type=content_type)

    def edit(self, key: str, new_text: str, when: datetime) -> None:
        """The publisher edits a story: new text on the page, a new <updated> in the Atom feed."""
        self.publish_page(key, new_text, published=self.stories[key].date.isoformat())
        for item in self.feed_items["atom"]:
            if item.link.endswith(f"/news/{key}"):
                item.updated = when
        self.site.add("/atom.xml", atom("Example Wire", self.feed_items["atom"]),
                      content_type="application/atom+xml")


def newsroom(site: NewsSite, with_failures: bool = True) -> Newsroom:
    keys = "abcdefg"
    room = Newsroom(site, dict(zip(keys, stories(len(keys)))))
    s, url = room.stories, site.url
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for key in "abcefg":  # pages with their publication time in the markup
        if key != "c":
            room.publish_page(key, s[key].text, published=s[key].date.isoformat())
    room.publish_page("c", s["c"].text, published=None)  # no date on the page
    # Windows-1252, an old CMS's markup, and a bare day as the page's date
    room.publish_page("d", s["d"].text, published=s["d"].date.strftime("%Y-%m-%d"),
                      charset="windows-1252", layout="old")
    room.publish_page("a", s["a"].text, published=s["a"].date.isoformat(), layout="old",
                      path="/amp/news/a")  # the same story at another address
    future = datetime.now(UTC) + timedelta(days=3650)
    d_time = s["d"].date.replace(hour=9, minute=30)
    rss_items = [
        Item(s["a"].title, url("/news/a?utm_source=rss"), "rss-a", s["a"].date),
        Item(s["b"].title, url("/news/b"), "rss-b", None),  # an item without a date
        Item(s["c"].title, url("/news/c"), "rss-c", future),  # a date in the future
        Item(s["d"].title, url("/news/d"), "rss-d", d_time),
    ]
    if with_failures:
        rss_items += [Item(f"Broken {p}", url(p), f"rss-{p}", s["a"].date) for p in FAILING]
        rss_items.append(Item("Members only", url("/private/secret"), "rss-private", s["a"].date))
        site.add("/news/error", "oops", status=500)
        site.add("/news/slow", page("Slow", s["a"].text, canonical=None), delay=2.0)
        site.add("/news/loop", b"", status=302, headers={"Location": "/news/loop2"})
        site.add("/news/loop2", b"", status=302, headers={"Location": url("/news/loop")})
        site.add("/news/huge", stream=20_000_000)
        site.add("/news/report.pdf", b"%PDF-1.4\n" + b"0" * 5000, content_type="application/pdf")
        site.add("/private/secret", page("Secret", s["a"].text, canonical=None))
    room.feed_items["rss"] = rss_items
    room.feed_items["atom"] = [
        Item(s["e"].title, url("/news/e"), "urn:wire:e", s["e"].date, s["e"].date),
        Item(s["a"].title, url("/amp/news/a"), "urn:wire:a", s["a"].date),  # same story, 2nd feed
    ]
    site.add("/rss.xml", rss("Example News", rss_items), content_type="application/rss+xml")
    site.add("/atom.xml", atom("Example Wire", room.feed_items["atom"]),
             content_type="application/atom+xml")
    site.add("/feed.json", json_feed("Example Digest", [Item(s["f"].title, url("/news/f"), "f",
                                                             s["f"].date)]),
             content_type="application/feed+json")
    broken = rss("Broken Times", [Item(s["g"].title, url("/news/g"), "g", s["g"].date)])
    site.add("/broken.xml", broken.replace(b"</channel></rss>", b"<item><title>Half"),
             content_type="application/rss+xml")
    return room
