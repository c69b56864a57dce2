"""The buffering front proxy (nginx) before gunicorn, as a local process.

The same server block as docker-compose's proxy service (``deploy/nginx/``),
filled with this run's ports and paths, inside a minimal main configuration of
its own (pid, logs and temporary files in the stack's directory).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "nginx"

MAIN = """\
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/portal.conf;
}
"""


def available() -> bool:
    return shutil.which("nginx") is not None


def configure(tmp: Path, listen: int, upstream: int) -> Path:
    """Write this run's nginx configuration under ``tmp``; return the main file."""
    errors = tmp / "errors"
    errors.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEPLOY / "proxy-error.html", errors / "proxy-error.html")
    for folder in (tmp.parent, tmp):  # nginx's workers run unprivileged and read the page
        folder.chmod(0o755)
    server = Template((DEPLOY / "portal.conf.template").read_text()).safe_substitute(
        PORTAL_LISTEN=f"127.0.0.1:{listen}",
        PORTAL_UPSTREAM=f"127.0.0.1:{upstream}",
        PORTAL_ACCESS_LOG=str(tmp / "proxy-access.log"),
        PORTAL_ERROR_ROOT=str(errors),
    )
    (tmp / "portal.conf").write_text(server)
    main = tmp / "nginx.conf"
    main.write_text(Template(MAIN).substitute(tmp=tmp))
    return main


def command(main: Path) -> list[str]:
    return ["nginx", "-p", str(main.parent), "-c", str(main), "-g", "daemon off;"]


def check(main: Path) -> None:
    """Refuse to start on a configuration nginx itself rejects (with its message)."""
    result = subprocess.run(["nginx", "-t", *command(main)[1:5]], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"nginx refused its configuration:\n{result.stderr}")
