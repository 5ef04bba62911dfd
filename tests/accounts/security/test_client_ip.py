import pytest
from django.test import RequestFactory

from accounts.security.client_ip import client_bucket, client_ip


def request_from(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.AUTHSITE_TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from(forwarded="203.0.113.9")) == "10.0.0.2"


def test_one_proxy_takes_the_entry_it_appended(settings):
    settings.AUTHSITE_TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(forwarded="203.0.113.9")) == "203.0.113.9"


def test_a_forged_entry_never_becomes_the_ip(settings):
    settings.AUTHSITE_TRUSTED_PROXY_COUNT = 1
    # The client sent "1.2.3.4"; the proxy appended the address it really saw.
    forged = request_from(forwarded="1.2.3.4, 203.0.113.9")

    assert client_ip(forged) == "203.0.113.9"


def test_two_proxies_take_the_second_entry_from_the_right(settings):
    settings.AUTHSITE_TRUSTED_PROXY_COUNT = 2
    request = request_from(forwarded="1.2.3.4, 203.0.113.9, 10.0.0.1")

    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("header", ["", "203.0.113.9", "not-an-ip, 10.0.0.1"])
def test_a_header_that_did_not_pass_every_proxy_falls_back(settings, header):
    settings.AUTHSITE_TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from(forwarded=header)) == "10.0.0.2"


def test_ipv6_is_normalised(settings):
    settings.AUTHSITE_TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(forwarded="2001:DB8::0001")) == "2001:db8::1"


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ],
)
def test_counters_see_ipv6_by_its_64_and_mapped_ipv4_as_ipv4(address, bucket):
    assert client_bucket(request_from(remote=address)) == bucket
