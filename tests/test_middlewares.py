import email.utils

from spiders.middlewares import retry_after_seconds


def test_retry_after_in_seconds():
    assert retry_after_seconds(b"120") == 120.0


def test_retry_after_as_http_date():
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after_seconds(header, now=now) == 30.0


def test_retry_after_in_the_past_means_now():
    assert retry_after_seconds(email.utils.formatdate(1_000, usegmt=True), now=2_000.0) == 0.0


def test_retry_after_garbage_is_ignored():
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None
