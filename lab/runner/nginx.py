"""nginx as the lab's load balancer: the config for each balancing policy.

- ``round-robin``: a plain upstream, each request to the next node.
- ``sticky``: the first response pins the client to the node that served it with a
  ``authsite_node`` cookie (made from the node's ``X-Served-By`` header), as HAProxy's
  ``cookie SERVERID insert`` or an AWS ALB's stickiness cookie do. Clients without the
  cookie are balanced round-robin.
- ``hash``: ``hash $cookie_<sign-in cookie> consistent`` (the cookie read with a
  ``map``, as its name may carry the ``__Host-`` prefix). Shown because it is the
  textbook answer and it fails for per-server sessions: the sign-in request carries no
  session cookie yet, so the session is created on whichever node served it, while the
  new cookie's hash points to any node.
"""

from __future__ import annotations

import os
from pathlib import Path

STICKY_COOKIE = "authsite_node"


def nginx_config(
    *,
    directory: Path,
    port: int,
    nodes: dict[str, int],
    balancer: str,
    hash_cookie: str = "sessionid",
) -> str:
    """Return an nginx.conf that serves on 127.0.0.1:``port`` in front of ``nodes``.

    ``nodes`` maps node name (its X-Served-By value) to its port on 127.0.0.1.
    """
    servers = "".join(f"        server 127.0.0.1:{p};\n" for p in nodes.values())
    policy = "        hash $sign_in_cookie consistent;\n" if balancer == "hash" else ""
    # The cookie may carry the __Host- prefix, which $cookie_<name> cannot spell.
    sticky_maps = (
        "    map $http_cookie $sign_in_cookie {\n"
        '        default "";\n'
        f'        "~(?:^|;\\s*)(?:__Host-)?{hash_cookie}=(?<value>[^;]+)" $value;\n'
        "    }\n"
    )
    target = "http://app"
    sticky_header = ""
    if balancer == "sticky":
        routes = "".join(
            f"        {name} 127.0.0.1:{p};\n" for name, p in nodes.items()
        )
        sticky_maps += (
            f"    map $cookie_{STICKY_COOKIE} $node_backend {{\n"
            f"        default app;\n{routes}    }}\n"
            f"    map $cookie_{STICKY_COOKIE} $node_cookie {{\n"
            f'        "" "{STICKY_COOKIE}=$upstream_http_x_served_by; Path=/; HttpOnly";\n'
            f'        default "";\n'
            f"    }}\n"
        )
        target = "http://$node_backend"
        sticky_header = "            add_header Set-Cookie $node_cookie always;\n"
    temp = directory / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would switch to "nobody" and lose the run folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}"
        "daemon off;\n"
        "master_process on;\n"
        "worker_processes 1;\n"
        f"pid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'nginx-error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    access_log off;\n"
        f"    client_body_temp_path {temp / 'body'};\n"
        f"    proxy_temp_path {temp / 'proxy'};\n"
        f"    fastcgi_temp_path {temp / 'fastcgi'};\n"
        f"    uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"    scgi_temp_path {temp / 'scgi'};\n"
        "    keepalive_requests 100000;\n"
        f"    upstream app {{\n{policy}{servers}    }}\n"
        f"{sticky_maps}"
        "    server {\n"
        f"        listen 127.0.0.1:{port};\n"
        "        location / {\n"
        f"            proxy_pass {target};\n"
        "            proxy_set_header Host $host;\n"
        "            proxy_set_header X-Forwarded-For $remote_addr;\n"
        # A node that is down is a lab failure to see, not to hide by retrying.
        "            proxy_next_upstream off;\n"
        f"{sticky_header}"
        "        }\n"
        "    }\n"
        "}\n"
    )
