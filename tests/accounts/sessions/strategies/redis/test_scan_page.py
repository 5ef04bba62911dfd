"""Paging keys over SCAN on one server or many (the redis and redis-cluster indexes)."""

import pytest

from accounts.sessions.strategies.redis.index import scan_page


def server(batches: list[list[bytes]]):
    """A SCAN over fixed batches: cursor i returns batch i and the next cursor."""

    def scan(at: int) -> tuple[int, list[bytes]]:
        return (at + 1 if at + 1 < len(batches) else 0), batches[at]

    return scan


SERVERS = [
    server([[b"a1", b"a2", b"a3"], [b"a4"]]),
    server([[]]),
    server([[b"c1", b"c2"], [b"c3", b"c4", b"c5"]]),
]
ALL = [b"a1", b"a2", b"a3", b"a4", b"c1", b"c2", b"c3", b"c4", b"c5"]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 9, 50])
def test_pages_walk_every_key_of_every_server_once(size):
    seen, cursor, pages = [], "", 0
    while cursor is not None:
        keys, cursor = scan_page(SERVERS, cursor=cursor, size=size)
        assert len(keys) <= size
        seen += keys
        pages += 1

    assert seen == ALL
    assert pages <= len(ALL) // size + 2


def test_malformed_cursor_starts_over():
    keys, _ = scan_page(SERVERS, cursor="None", size=2)

    assert keys == [b"a1", b"a2"]
