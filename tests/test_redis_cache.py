"""With `REDIS_URL` set, the rate limits count in Redis, so every app server (every
process) counts the same window: a real Redis server on 127.0.0.1:6379, database 15.
Outside CI a machine without Redis skips these with the reason; in CI (CI=true) its
absence fails them, so CI never skips (`.ci/run` starts Redis if it is down)."""

import os
import subprocess
import sys
import threading

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from peerstod.core import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """The settings' cache as `REDIS_URL` makes it, on an emptied test database."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis is not running on 127.0.0.1:6379 ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "3/d"}
    settings.BEHIND_PROXY = False
    yield client
    client.flushdb()


def test_the_settings_use_redis_when_redis_url_is_set():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peerstod.settings",
        "REDIS_URL": REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr


def test_hits_counted_by_another_app_server_count_here_too(redis_cache):
    # The other app server: a separate process with REDIS_URL set, the same client.
    other = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from peerstod.core import ratelimit\n"
        "request = RequestFactory().post('/', REMOTE_ADDR='81.2.3.4')\n"
        "print([ratelimit.hit(request, 'apply') for _ in range(2)])\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peerstod.settings",
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_APPLY": "3/d",
        "BEHIND_PROXY": "false",
    }
    result = subprocess.run(
        [sys.executable, "-c", other], capture_output=True, text=True, env=environment, timeout=60
    )
    assert result.stdout.strip() == "[False, False]", result.stdout + result.stderr

    here = [
        ratelimit.hit(RequestFactory().post("/", REMOTE_ADDR="81.2.3.4"), "apply") for _ in range(2)
    ]
    assert here == [False, True]  # the third use is allowed, the fourth is over 3/d
    assert ratelimit.hit(RequestFactory().post("/", REMOTE_ADDR="81.2.3.5"), "apply") is False
    assert len(redis_cache.keys("*")) == 2  # the two clients' counters, in Redis


def test_redis_counts_every_hit_when_servers_count_at_once(redis_cache):
    caches["default"].add("counter", 0, 600)
    barrier = threading.Barrier(4)

    def hammer():
        server = caches.create_connection("default")  # its own connection pool
        barrier.wait()
        for _ in range(25):
            server.incr("counter")

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert caches["default"].get("counter") == 100
