"""Scrapy settings: polite by default (robots.txt, AutoThrottle, identified user agent, HTTP cache with
conditional requests, retries with backoff that honour Retry-After)."""

import os

BOT_NAME = "vigie"
SPIDER_MODULES = ["spiders.sources"]
NEWSPIDER_MODULE = "spiders.sources"

# Reactorless asyncio mode lets one process run many crawls (one per source, many runs per flow), which the
# Twisted reactor cannot (ReactorNotRestartable) — see ../shared/research/stack.md §3.
TWISTED_REACTOR_ENABLED = False

USER_AGENT = os.environ.get(
    "VIGIE_USER_AGENT", "Vigie/0.1 (veille Smart; +https://github.com/smart-coop/vigie)"
)
ROBOTSTXT_OBEY = True
VIGIE_ROBOTSTXT_MAX_AGE = 86400  # seconds a cached robots.txt is used without asking again (RFC 9309 §2.4)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Conditional requests: RFC 2616 policy revalidates stale entries with If-None-Match / If-Modified-Since,
# so an unchanged source answers 304 and its body is not downloaded again.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "spiders.cache.RevalidatingPolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_GZIP = True
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 408, 429]
HTTPCACHE_DIR = os.path.join(os.environ.get("VIGIE_HOME", "vigie-data"), "httpcache")

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
VIGIE_RETRY_BACKOFF_BASE = 2.0  # seconds, doubled at each retry
VIGIE_RETRY_AFTER_MAX = 120.0  # never wait longer than this for a Retry-After
DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.NetworkPolicyMiddleware": 50,  # before robots.txt and the cache: nothing else first
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "spiders.middlewares.NamedRedirectMiddleware": 600,
}
# Every URL and redirect target is checked against the network policy (spiders.netpolicy): http(s) only, and no
# private, loopback, link-local, multicast or reserved address unless its network is allowed here, in the
# registry's [settings] `allow_networks`, or in the environment (VIGIE_ALLOW_NETWORKS, comma-separated CIDRs).
VIGIE_ALLOW_NETWORKS: list[str] = []
REDIRECT_MAX_TIMES = 5
# The aiohttp handler with a resolver that applies the policy to the addresses it connects to (DNS rebinding).
DOWNLOAD_HANDLERS = {
    "http": "spiders.netpolicy.PolicyDownloadHandler",
    "https": "spiders.netpolicy.PolicyDownloadHandler",
    "file": None,  # a registry URL (or a redirect) must never read the machine's own files
    "data": None,
    "s3": None,
    "ftp": None,
}

# Reading a response runs in a worker process (spiders.isolation) with these limits, per source in the registry
# as `parse_timeout` (seconds) and `parse_memory` (MB); past one the source is stopped and the limit reported.
VIGIE_PARSE_TIMEOUT = 120.0
VIGIE_PARSE_MEMORY_MB = 1024
EXTENSIONS = {"spiders.extensions.RawResponseStore": 500}
ITEM_PIPELINES = {"spiders.pipelines.RawRecordStore": 800}

LOG_LEVEL = os.environ.get("VIGIE_SCRAPY_LOG_LEVEL", "WARNING")
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
